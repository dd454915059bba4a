/** The `npm start` playground, served by the Vite dev server exactly as `npm start` does. */
import type { ViteDevServer } from 'vite';
import { expect, test } from '@playwright/test';

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

test('runs the example, streams output, and Stop ends an infinite loop', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base);
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 20_000 });

  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('ok');
  await expect(page.getByTestId('output')).toContainText('Hello from QuickJS!');
  await expect(page.getByTestId('output')).toContainText('squares: [ 1, 4, 9, 16 ]');
  await page.screenshot({ path: test.info().outputPath('playground-hello.png') });

  await page.locator('#example').selectOption('Infinite loop (timeout)');
  await page.locator('#timeout').fill('60000');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('running…');
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('status')).toHaveText('aborted');

  await page.locator('#example').selectOption('Error with a line');
  await page.locator('#code').press('Control+Enter');
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('output')).toContainText('SyntaxError');
  await expect(page.getByTestId('output')).toContainText('(line 2)');
  await page.screenshot({ path: test.info().outputPath('playground-error.png') });

  // Python: loads with a progress bar, shows a traceback and rich output.
  await page.locator('#language').selectOption('python');
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 30_000 });
  await page.locator('#example').selectOption('Rich output (display)');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('ok');
  await expect(page.locator('#output iframe.rich')).toHaveCount(2);
  await page.screenshot({ path: test.info().outputPath('playground-python.png') });
  expect(errors).toEqual([]);
});
