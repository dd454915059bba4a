/**
 * `npm start`: the playground on Vite's dev server, loading the library from dist/ as it is
 * during development. The built site has its own, fuller suite (demo-site.spec.ts).
 */
// @runs chromium:playground firefox:playground — Vite's dev server (`npm start`), where Playwright can type: Chromium and Firefox (not the WebKit driver)
import type { ViteDevServer } from 'vite';
import { base as test, expect, isSecurityReport } from './helpers.js';

let server: ViteDevServer;
let base = '';

test.beforeAll(async () => {
  const { createServer } = await import('vite');
  server = await createServer({ logLevel: 'warn', server: { port: 0, open: false } });
  await server.listen();
  base = server.resolvedUrls!.local[0]!;
});

test.afterAll(async () => {
  await server?.close();
});

test('the dev-server playground is isolated and runs both languages', async ({ page }) => {
  const errors: string[] = [];
  // Firefox reports the sandbox frame's CSP refusals as page errors: the policy at work, not faults.
  page.on('pageerror', (e) => isSecurityReport(e) || errors.push(String(e)));
  await page.goto(base);
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 30_000 });
  await expect(page.getByTestId('mode')).toHaveText('isolated');

  await page.getByTestId('editor').click();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('status')).toHaveText('ok');
  await expect(page.getByTestId('output')).toContainText('Hello from QuickJS!');
  await expect(page.getByTestId('output')).toContainText('squares: [ 1, 4, 9, 16 ]');

  await page.getByTestId('lang-python').click();
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('ok', { timeout: 30_000 });
  await expect(page.getByTestId('output')).toContainText('Hello from cpython');
  expect(errors).toEqual([]);
});
