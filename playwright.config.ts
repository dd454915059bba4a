/**
 * Browser tests: real Chromium, real HTTP servers, three host setups. Each test file runs once per
 * setup: cross-origin isolated (COOP/COEP), plain (no special headers) and a strict host CSP.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './test/browser/chromium.mjs';
import { PORTS } from './test/browser/ports.js';

const setups = ['coi', 'plain', 'csp'] as const;

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
      // The hostile suite runs where it matters (isolated and plain); the host CSP changes nothing for the guest.
      testIgnore: setup === 'csp' ? [/playground\.spec/, /demo-site\.spec/, /hostile\//, /pool\.spec/, /python-snapshot\.spec/] : [/playground\.spec/, /demo-site\.spec/],
      use: { baseURL: `http://127.0.0.1:${PORTS[setup]}` },
    })),
    // The playground on Vite's dev server (`npm start`), and the built site (dist-demo/) on a plain
    // static server; each spec starts its own server.
    { name: 'playground', testMatch: /playground\.spec/ },
    { name: 'site', testMatch: /demo-site\.spec/ },
  ],
});
