/**
 * The built library loads the ways users load it: with no bundler from any path, with its assets
 * somewhere else (`assetsUrl`), and inside an app that Vite bundled.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { createIn, expect, expectNoPageErrors, openHost, runIn, test } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The URL the sandbox's frame was loaded from. */
const frameSrc = (page: Page) => page.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe[data-ai-sandbox]')?.src);

test('plain <script type=module> import from a deep path, no bundler', async ({ page }) => {
  await openHost(page, '/test/browser/pages/blank.html', '/deep/path/to/lib/index.js');
  await createIn(page, 'a');
  expect((await runIn(page, 'a', '"from a deep path"')).value).toBe('from a deep path');
  expect(await frameSrc(page)).toMatch(/\/deep\/path\/to\/lib\/frame\.html$/);
  expectNoPageErrors(page);
});

test('assetsUrl points the sandbox at assets elsewhere on the site', async ({ host }) => {
  await createIn(host, 'a', { assetsUrl: '/deep/path/to/lib' });
  expect((await runIn(host, 'a', '1 + 2')).value).toBe(3);
  expect(await frameSrc(host)).toMatch(/\/deep\/path\/to\/lib\/frame\.html$/);
});

test('frame.html without CORP cross-origin on an isolated page: Chromium and WebKit start, Firefox fails at once naming the header', async ({ host, browserName }) => {
  const isolated = await host.evaluate(() => crossOriginIsolated);
  const outcome = await host.evaluate(async () => {
    const started = performance.now();
    try {
      await window.lib.createSandbox({ language: 'javascript', assetsUrl: '/same-origin-corp/' }).then((sb) => sb.dispose());
      return { ok: true, error: '', seconds: 0 };
    } catch (error) {
      return { ok: false, error: String(error), seconds: (performance.now() - started) / 1000 };
    }
  });
  // Chromium loads the frame credentialless; WebKit does not check a frame's CORP; Firefox does.
  if (isolated && browserName === 'firefox') {
    expect(outcome.error).toMatch(/SandboxStartError: the sandbox frame did not load .*Cross-Origin-Resource-Policy: cross-origin/);
    expect(outcome.seconds).toBeLessThan(25);
  } else {
    expect(outcome).toEqual({ ok: true, error: '', seconds: 0 });
  }
  expect(await host.locator('iframe').count()).toBe(0);
});

test.describe('bundled by Vite', () => {
  test.beforeAll(async () => {
    const { build } = await import('vite');
    await build({
      configFile: false,
      logLevel: 'warn',
      root: `${root}test/fixtures/vite-app`,
      base: './',
      resolve: { alias: { 'ai-sandbox': `${root}dist/index.js` } },
      build: { outDir: `${root}test/fixtures/vite-app/dist`, emptyOutDir: true, target: 'es2022' },
    });
  });

  test('an app that imports ai-sandbox and is built by Vite runs code', async ({ page }) => {
    await page.goto('/test/fixtures/vite-app/dist/index.html');
    const out = () => page.evaluate(() => ({ status: document.querySelector('#out')?.getAttribute('data-status'), text: document.querySelector('#out')?.textContent }));
    await expect.poll(async () => (await out()).status, { timeout: 20_000 }).toMatch(/ok|failed/);
    expect((await out()).text).toBe('[10,20,30]');
  });
});
