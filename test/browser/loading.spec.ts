/**
 * The built library loads the ways users load it: with no bundler from any path, with its assets
 * somewhere else (`assetsUrl`), and inside an app that Vite bundled.
 */
import { fileURLToPath } from 'node:url';
import { createIn, expect, expectNoPageErrors, openHost, runIn, test } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('plain <script type=module> import from a deep path, no bundler', async ({ page }) => {
  await openHost(page, '/test/browser/pages/blank.html', '/deep/path/to/lib/index.js');
  await createIn(page, 'a');
  expect((await runIn(page, 'a', '"from a deep path"')).value).toBe('from a deep path');
  expect(page.frames().some((f) => f.url().endsWith('/deep/path/to/lib/frame.html'))).toBe(true);
  expectNoPageErrors(page);
});

test('assetsUrl points the sandbox at assets elsewhere on the site', async ({ host }) => {
  await createIn(host, 'a', { assetsUrl: '/deep/path/to/lib' });
  expect((await runIn(host, 'a', '1 + 2')).value).toBe(3);
  expect(host.frames().some((f) => f.url().endsWith('/deep/path/to/lib/frame.html'))).toBe(true);
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
    const out = page.locator('#out');
    await expect(out).toHaveAttribute('data-status', /ok|failed/, { timeout: 20_000 });
    expect(await out.textContent()).toBe('[10,20,30]');
  });
});
