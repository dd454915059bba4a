/**
 * The built library loads the ways users load it: with no bundler from any path, with its assets
 * somewhere else (`assetsUrl`). Apps built by bundlers: bundlers.spec.ts.
 */
// @runs chromium:coi,plain,csp firefox:coi,plain,csp webkit:coi,plain,csp — every engine and page: the page's headers and CSP change how the frame loads
import type { Page } from '@playwright/test';
import { createIn, expect, expectNoPageErrors, openHost, runIn, test } from './helpers.js';

/** The URL the sandbox's frame was loaded from. */
const frameSrc = (page: Page) => page.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe[data-ai-sandbox]')?.src);

test('plain <script type=module> import from a deep path, no bundler', async ({ page }) => {
  await openHost(page, '/test/browser/pages/blank.html', '/deep/path/to/lib/index.js');
  await createIn(page, 'a');
  expect((await runIn(page, 'a', '"from a deep path"')).value).toBe('from a deep path');
  expect(await frameSrc(page)).toMatch(/\/deep\/path\/to\/lib\/frame\.htm$/);
  expectNoPageErrors(page);
});

test('assetsUrl points the sandbox at assets elsewhere on the site', async ({ host }) => {
  await createIn(host, 'a', { assetsUrl: '/deep/path/to/lib' });
  expect((await runIn(host, 'a', '1 + 2')).value).toBe(3);
  expect(await frameSrc(host)).toMatch(/\/deep\/path\/to\/lib\/frame\.htm$/);
});

test('frame.htm without CORP cross-origin on an isolated page: Chromium and WebKit start, Firefox fails at once naming the header', async ({ host, browserName }) => {
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

test('an entry point with one engine refuses the other language with NotSupportedError', async ({ page }) => {
  await openHost(page, '/test/browser/pages/blank.html', '/dist/javascript.js');
  const refused = await page.evaluate(() =>
    window.lib.createSandbox({ language: 'python' }).then(
      () => 'started',
      (error: Error) => `${error.name}: ${error.message}`,
    ),
  );
  expect(refused).toMatch(/^NotSupportedError: this entry point does not bundle the python engine: import createSandbox from 'ai-sandbox' or 'ai-sandbox\/python', or set assetsUrl$/);
  await createIn(page, 'a');
  expect((await runIn(page, 'a', '6 * 7')).value).toBe(42);
  expect(await page.locator('iframe').count()).toBe(1);
});
