/**
 * Browser tests: real browsers, real HTTP servers, three host setups. Every engine runs the same
 * specs: Chromium (Debian's, through Playwright), Firefox ESR (Debian's, through Playwright over
 * WebDriver BiDi) and WebKitGTK (Debian's MiniBrowser, through WebKitWebDriver; see
 * test/browser/engines/). Test files run once per engine and setup (cross-origin isolated with
 * COOP/COEP, plain with no special headers, and a strict host CSP) except where SKIP says a
 * combination adds nothing or costs more than it tells (README: "Browser support").
 *
 * `BROWSERS=chromium,firefox` picks engines (default: all three).
 */
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './test/browser/chromium.mjs';
import { FIREFOX_RELAY, firefoxPath } from './test/browser/engines/firefox.mjs';
import { PORTS } from './test/browser/ports.js';

const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
type Engine = (typeof ENGINES)[number];
const setups = ['coi', 'plain', 'csp'] as const;
type Setup = (typeof setups)[number];

const chosen = (process.env.BROWSERS ?? ENGINES.join(',')).split(',').map((s) => s.trim()) as Engine[];
for (const engine of chosen) if (!ENGINES.includes(engine)) throw new Error(`BROWSERS: unknown engine ${engine} (${ENGINES.join(', ')})`);

/** Specs with projects of their own: each starts its own server. */
const OWN_SERVER = [/playground\.spec/, /demo-site\.spec/];
const HOSTILE_JS = /hostile\/javascript\.spec/;
const FRAME_BOUNDARY = /frame-boundary\.spec/;
/** The package tests: the host page fetches the wheels, so they run where its CSP is strict (Chromium, WebKit) and on Firefox's plain page. */
const PACKAGES = /python-packages\.spec/;
/**
 * The Python-heavy specs: seconds per interpreter start and restart. Each host setup runs them in
 * one or two engines (ENGINE_SKIP), which keeps the whole CI run within its time.
 */
const PYTHON_HEAVY = [/browser\/python\.spec/, /python-snapshot\.spec/, PACKAGES, /pool\.spec/, /untrusted-worker\.spec/, /hostile\/python\.spec/];
/** Specs a plain page adds nothing to, once the isolated page ran them. */
const PLAIN_ADDS_NOTHING = [/lifecycle\.spec/, /tools\.spec/, /events\.spec/, /bundlers\.spec/, /adapters\.spec/, /examples\.spec/];
/** The strict host CSP changes start-up (both languages), isolation, loading and the network, not these. */
const CSP_ADDS_NOTHING = [/limits\.spec/, ...PLAIN_ADDS_NOTHING];

/**
 * Specs that run under only some setups, to keep the suite short where a setup adds nothing:
 * the host CSP changes nothing for the guest or between the frame and its worker (Python's start
 * under it is covered by the package tests), pools behave the same everywhere, and snapshots
 * matter most where restarts kill.
 */
const SKIP: Record<Setup, RegExp[]> = {
  coi: [/python-snapshot\.spec/],
  plain: [/pool\.spec/],
  csp: [/hostile\//, /pool\.spec/, /python-snapshot\.spec/, /python\.spec/, /frame-boundary\.spec/, /untrusted-worker\.spec/],
};

/** How each engine is launched. */
async function engineUse(engine: Engine): Promise<PlaywrightTestConfig['use']> {
  switch (engine) {
    case 'chromium':
      return { browserName: 'chromium', launchOptions: { executablePath: await chromiumPath(), args: CHROMIUM_ARGS } };
    case 'firefox':
      return {
        browserName: 'firefox',
        channel: 'moz-firefox',
        launchOptions: { executablePath: FIREFOX_RELAY, env: { ...process.env, FIREFOX_BINARY: firefoxPath() } },
      };
    case 'webkit':
      // Driven by WebKitWebDriver (test/browser/helpers.ts), not by Playwright.
      return { browserName: 'webkit' };
  }
}

/**
 * Per engine and setup, what it leaves to another engine or setup (README: "Supported browsers").
 * Python-heavy specs: the isolated page in Chromium (shared-memory interrupts), the plain page in
 * Firefox; WebKit (slowest to start Python) runs the Python spec on the isolated page. The package
 * tests: the strict-CSP page in Chromium and WebKit, the plain page in Firefox. The hostile
 * JavaScript cases and the hostile worker: every engine on the isolated page. WebKit's plain page
 * behaves as its isolated one (no shared memory either way), so it runs the short list there.
 */
const ENGINE_SKIP: Record<Engine, (setup: Setup) => RegExp[]> = {
  chromium: (setup) => ({ coi: [PACKAGES], plain: [...PYTHON_HEAVY, HOSTILE_JS, FRAME_BOUNDARY, ...PLAIN_ADDS_NOTHING], csp: CSP_ADDS_NOTHING })[setup],
  firefox: (setup) => ({ coi: PYTHON_HEAVY, plain: [HOSTILE_JS, FRAME_BOUNDARY, ...PLAIN_ADDS_NOTHING], csp: [PACKAGES, ...CSP_ADDS_NOTHING] })[setup],
  webkit: (setup) =>
    ({
      coi: PYTHON_HEAVY.filter((spec) => !spec.test('browser/python.spec')),
      plain: [...PYTHON_HEAVY, HOSTILE_JS, FRAME_BOUNDARY, ...CSP_ADDS_NOTHING],
      csp: CSP_ADDS_NOTHING,
    })[setup],
};

const projects: NonNullable<PlaywrightTestConfig['projects']> = [];
for (const engine of chosen) {
  const use = await engineUse(engine);
  // Chromium's project names stay as they were; the other engines prefix theirs.
  const name = (setup: string) => (engine === 'chromium' ? setup : `${engine}-${setup}`);
  for (const setup of setups) {
    projects.push({
      name: name(setup),
      testIgnore: [...OWN_SERVER, ...SKIP[setup], ...ENGINE_SKIP[engine](setup)],
      use: { ...use, baseURL: `http://127.0.0.1:${PORTS[setup]}` },
      metadata: { setup },
    });
  }
  // The built site (dist-demo/) on a plain static server, in every engine; the playground on Vite's
  // dev server (`npm start`) where Playwright can type (not the WebKit driver). Each spec starts its own server.
  projects.push({ name: name('site'), testMatch: /demo-site\.spec/, use });
  if (engine !== 'webkit') projects.push({ name: name('playground'), testMatch: /playground\.spec/, use });
}

export default defineConfig({
  testDir: 'test/browser',
  globalSetup: './test/browser/global-setup.ts',
  timeout: 90_000,
  // However a browser misbehaves, the run ends and writes its report well inside CI's 90 minutes.
  globalTimeout: 55 * 60_000,
  workers: 2,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: '.test-reports/playwright.json' }]],
  projects,
});
