/**
 * Browser tests: real browsers, real HTTP servers, three host setups. Every engine runs the same
 * specs: Chromium (Debian's, through Playwright), Firefox ESR (Debian's, through Playwright over
 * WebDriver BiDi) and WebKitGTK (Debian's MiniBrowser, through WebKitWebDriver; see
 * test/browser/engines/). Each spec says in its own `// @runs` line which engines and pages it
 * runs on (CONTRIBUTING.md: "The browser tests").
 *
 * `BROWSERS=chromium,firefox` picks engines (default: all three).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './test/browser/chromium.mjs';
import { FIREFOX_RELAY, firefoxPath } from './test/browser/engines/firefox.mjs';
import { PORTS } from './test/browser/ports.js';

const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
type Engine = (typeof ENGINES)[number];
const setups = ['coi', 'plain', 'csp'] as const;

const chosen = (process.env.BROWSERS ?? ENGINES.join(',')).split(',').map((s) => s.trim()) as Engine[];
for (const engine of chosen) if (!ENGINES.includes(engine)) throw new Error(`BROWSERS: unknown engine ${engine} (${ENGINES.join(', ')})`);

const PAGES = [...setups, 'site', 'playground'] as const;
type Page = (typeof PAGES)[number];

/**
 * Where each spec runs, as the spec itself declares it in one line near its top:
 * `// @runs chromium:coi,plain firefox:plain webkit:coi — why`. Pages: `coi` (cross-origin
 * isolated with COOP/COEP), `plain` (no special headers), `csp` (a strict host CSP), `site` (the
 * built demo site on its own server), `playground` (Vite's dev server). A spec without the line
 * fails the run here, so a new spec never silently runs nowhere.
 */
function declaredRuns(): Map<string, Set<`${Engine}:${Page}`>> {
  const root = fileURLToPath(new URL('test/browser/', import.meta.url));
  const runs = new Map<string, Set<`${Engine}:${Page}`>>();
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.spec.ts'))) {
    const line = /^\/\/ @runs ([^—\n]+)/m.exec(readFileSync(join(root, file), 'utf8'))?.[1]?.trim();
    if (!line) throw new Error(`test/browser/${file}: no "// @runs <engine>:<page>,… — why" line says where it runs`);
    const where = new Set<`${Engine}:${Page}`>();
    for (const part of line.split(/\s+/)) {
      const [engine, pages = ''] = part.split(':') as [Engine, string];
      for (const page of pages.split(',') as Page[]) {
        if (!ENGINES.includes(engine) || !PAGES.includes(page)) throw new Error(`test/browser/${file}: @runs names ${engine}:${page} (engines: ${ENGINES.join(', ')}; pages: ${PAGES.join(', ')})`);
        where.add(`${engine}:${page}`);
      }
    }
    runs.set(file, where);
  }
  return runs;
}
const RUNS = declaredRuns();
/** The spec files that run in `engine` on `page`, as Playwright matches them (whole paths: `python.spec.ts` is not `hostile/python.spec.ts`). */
const specsFor = (engine: Engine, page: Page): RegExp[] =>
  [...RUNS].filter(([, where]) => where.has(`${engine}:${page}`)).map(([file]) => new RegExp(`/test/browser/${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));

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

const projects: NonNullable<PlaywrightTestConfig['projects']> = [];
for (const engine of chosen) {
  const use = await engineUse(engine);
  // Chromium's project names stay as they were; the other engines prefix theirs.
  const name = (page: Page) => (engine === 'chromium' ? page : `${engine}-${page}`);
  for (const setup of setups) {
    const testMatch = specsFor(engine, setup);
    if (testMatch.length) projects.push({ name: name(setup), testMatch, use: { ...use, baseURL: `http://127.0.0.1:${PORTS[setup]}` }, metadata: { setup } });
  }
  // The built site and the playground: each spec starts its own server.
  for (const page of ['site', 'playground'] as const) {
    const testMatch = specsFor(engine, page);
    if (testMatch.length) projects.push({ name: name(page), testMatch, use });
  }
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
