/**
 * Browser tests: real Chromium, real HTTP servers, three host setups. Test files run once per
 * setup (cross-origin isolated with COOP/COEP, plain with no special headers, and a strict host
 * CSP) except where SKIP says a setup adds nothing.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './test/browser/chromium.mjs';
import { PORTS } from './test/browser/ports.js';

const setups = ['coi', 'plain', 'csp'] as const;

/** Specs with projects of their own: each starts its own server. */
const OWN_SERVER = [/playground\.spec/, /demo-site\.spec/];
/**
 * Specs that run under only some setups, to keep the suite short where a setup adds nothing:
 * the host CSP changes nothing for the guest or between the frame and its worker (Python's start
 * under it is covered by the package tests), pools behave the same everywhere, and snapshots
 * matter most where restarts kill.
 */
const SKIP: Record<(typeof setups)[number], RegExp[]> = {
  coi: [/python-snapshot\.spec/],
  plain: [/pool\.spec/],
  csp: [/hostile\//, /pool\.spec/, /python-snapshot\.spec/, /python\.spec/, /frame-boundary\.spec/, /untrusted-worker\.spec/],
};

export default defineConfig({
  testDir: 'test/browser',
  globalSetup: './test/browser/global-setup.ts',
  timeout: 90_000,
  workers: 2,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: '.test-reports/playwright.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: await chromiumPath(), args: CHROMIUM_ARGS },
  },
  projects: [
    ...setups.map((setup) => ({
      name: setup,
      testIgnore: [...OWN_SERVER, ...SKIP[setup]],
      use: { baseURL: `http://127.0.0.1:${PORTS[setup]}` },
    })),
    // The playground on Vite's dev server (`npm start`), and the built site (dist-demo/) on a plain
    // static server; each spec starts its own server.
    { name: 'playground', testMatch: /playground\.spec/ },
    { name: 'site', testMatch: /demo-site\.spec/ },
  ],
});
