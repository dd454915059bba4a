/**
 * Apps that import the package by name and are built by Vite, webpack or Next.js, as users build theirs
 * (test/fixtures/build-apps.ts builds them before the run): each runs its languages in the
 * browser, and each ships the engine files of exactly the entry point it imports.
 */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine: the built apps load the same way on every page
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appOutput, expect, test } from './helpers.js';
import { appPath, buildFiles, BUNDLERS, NEXT_APP_PATH, VARIANTS, type Variant } from '../fixtures/build-apps.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const EXPECTED: Record<Variant, Record<string, unknown>> = {
  both: { javascript: [10, 20, 30], python: [10, 20, 30] },
  javascript: { javascript: [10, 20, 30] },
  python: { python: [10, 20, 30] },
};

/** The issue's budget for a JavaScript-only app's whole build. */
const JAVASCRIPT_APP_MAX_BYTES = 1.5e6;

for (const bundler of BUNDLERS) {
  test.describe(`built by ${bundler}`, () => {
    for (const variant of VARIANTS) {
      test(`the ${variant === 'both' ? "'ai-sandbox'" : `'ai-sandbox/${variant}'`} app runs its languages`, async ({ page }) => {
        await page.goto(`/${appPath(bundler, variant)}/index.html`);
        await expect.poll(async () => (await appOutput(page)).status, { timeout: 60_000 }).toMatch(/ok|failed/);
        const { status, text } = await appOutput(page);
        // The app's own text on failure (an error's name and message): CI saw a SandboxStartError here once in WebKit.
        expect(status, text).toBe('ok');
        expect(JSON.parse(text)).toEqual(EXPECTED[variant]);
      });
    }

    test('each app ships the engine files of the entry point it imports, and no others', async () => {
      const names = async (variant: Variant) => [...(await buildFiles(join(root, appPath(bundler, variant)))).keys()].join(' ');
      const python = /pyodide\.asm[^ ]*\.wasm|python_stdlib[^ ]*\.zip|python-worker[^ ]*\.js/g;
      const quickjs = /quickjs[^ ]*\.wasm|(^| |\/)worker[^ ]*\.js/g;
      expect((await names('both')).match(python)).toHaveLength(3);
      expect((await names('both')).match(quickjs)).toHaveLength(2);
      expect((await names('javascript')).match(python)).toBeNull();
      expect((await names('javascript')).match(quickjs)).toHaveLength(2);
      expect((await names('python')).match(python)).toHaveLength(3);
      expect((await names('python')).match(quickjs)).toBeNull();
      const files = await buildFiles(join(root, appPath(bundler, 'javascript')));
      const total = [...files.values()].reduce((a, b) => a + b, 0);
      test.info().annotations.push({ type: 'javascript-only build', description: `${(total / 1e6).toFixed(2)} MB in ${files.size} files` });
      expect(total).toBeLessThanOrEqual(JAVASCRIPT_APP_MAX_BYTES);
    });
  });
}

test('built by Next.js (App Router, a client component, static export): runs both languages', async ({ page }) => {
  await page.goto(`/${NEXT_APP_PATH}/index.html`);
  await expect.poll(async () => (await appOutput(page)).status, { timeout: 60_000 }).toMatch(/ok|failed/);
  expect(JSON.parse((await appOutput(page)).text)).toEqual(EXPECTED.both);
  // Turbopack copied the engine files unchanged (the frame's pinned script intact).
  const files = [...(await buildFiles(join(root, NEXT_APP_PATH, '_next/static/media'))).keys()].join(' ');
  expect(files).toMatch(/frame[^ ]*\.htm\b/);
  expect(files).toMatch(/pyodide\.asm[^ ]*\.wasm/);
});

test('a frame rewritten after the build (as a minifying bundler would) fails with an error that says so', async ({ host }) => {
  // What webpack 5.112 did to frame.html before the frame became frame.htm: the sandbox must say so, not time out mutely.
  const error = await host.evaluate(() =>
    window.lib.createSandbox({ language: 'javascript', assetsUrl: '/altered-assets/' }).then(
      () => 'started',
      (e: Error) => `${e.name}: ${e.message}`,
    ),
  );
  expect(error).toMatch(/^SandboxStartError: the sandbox frame at \S+\/altered-assets\/frame\.htm was changed after the library was built: its inline script no longer has the hash its Content-Security-Policy pins/);
  expect(await host.locator('iframe').count()).toBe(0);
});
