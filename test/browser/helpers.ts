/**
 * Shared helpers for the browser tests. Tests drive the built library from a plain host page
 * (test/browser/pages/blank.html) through `page.evaluate`, importing dist/index.js with no bundler,
 * exactly as a static site would.
 */
import { expect, test as base, type Page } from '@playwright/test';
import { CANARY } from './ports.js';

export const HOST_PAGE = '/test/browser/pages/blank.html';
export const LIB = '/dist/index.js';

/** What a test page exposes on `window` for later evaluate calls. */
declare global {
  interface Window {
    lib: typeof import('../../src/index.js');
    sandboxes: Record<string, import('../../src/index.js').Sandbox>;
  }
}

/** Uncaught errors in each page's own scripts: every test that opened a host page fails on one. */
const pageErrors = new WeakMap<Page, string[]>();

/**
 * True for an error thrown in the sandbox's worker, which Chromium reports to the page too: all its
 * frames are in the engine's wasm or the worker's blob: script. Engines crash there on purpose in
 * some tests; the host page's own errors have frames on the page's origin.
 */
function fromSandboxWorker(error: Error): boolean {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 && frames.every((line) => /(wasm|blob):/.test(line));
}

/** Fails when the page had an uncaught error (the library must never throw into the page). */
export function expectNoPageErrors(page: Page): void {
  expect(pageErrors.get(page) ?? [], 'uncaught errors in the host page').toEqual([]);
}

/** Opens the host page and loads the library onto `window.lib`. */
export async function openHost(page: Page, path = HOST_PAGE, lib = LIB): Promise<void> {
  if (!pageErrors.has(page)) {
    const errors: string[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (e) => fromSandboxWorker(e) || errors.push(`${String(e)}\n${e.stack ?? ''}`));
  }
  await page.goto(path);
  await page.evaluate(async (libUrl) => {
    window.lib = await import(libUrl);
    window.sandboxes = {};
  }, lib);
}

/** Creates a sandbox in the page under `name`. */
export async function createIn(page: Page, name: string, options: Record<string, unknown> = {}): Promise<void> {
  await page.evaluate(
    async ({ name, options }) => {
      window.sandboxes[name] = await window.lib.createSandbox({ language: 'javascript', ...options } as never);
    },
    { name, options },
  );
}

/** Runs code in the named sandbox and returns the result. */
export function runIn(page: Page, name: string, code: string, options: Record<string, unknown> = {}) {
  return page.evaluate(({ name, code, options }) => window.sandboxes[name]!.run(code, options), { name, code, options });
}

/** How many iframes the page has, and how many workers Chromium reports for it. */
export async function counts(page: Page): Promise<{ iframes: number; workers: number }> {
  return { iframes: await page.locator('iframe').count(), workers: page.workers().length };
}

/** The requests the canary server has seen. */
export async function canaryHits(): Promise<string[]> {
  const res = await fetch(`${CANARY}/__count`);
  return (await res.json()) as string[];
}

/**
 * One host page shared by the tests of a serial describe block, for engines that are slow to start
 * (Python takes seconds). Call in the block's body; use `host()` in tests.
 */
export function sharedHost(setup: (page: Page) => Promise<void>): () => Page {
  let page: Page | undefined;
  base.beforeAll(async ({ browser }, info) => {
    page = await browser.newPage({ baseURL: info.project.use.baseURL });
    await openHost(page);
    await setup(page);
  });
  base.afterAll(async () => {
    if (page) expectNoPageErrors(page);
    await page?.close();
  });
  return () => {
    if (!page) throw new Error('sharedHost: used outside its describe block');
    return page;
  };
}

/** A test with a fresh host page that has the library loaded; it fails on an uncaught page error. */
export const test = base.extend<{ host: Page }>({
  host: async ({ page }, use) => {
    await openHost(page);
    await use(page);
    await page.evaluate(async () => {
      for (const sb of Object.values(window.sandboxes ?? {})) await sb.dispose();
    }).catch(() => {});
    expectNoPageErrors(page);
  },
});

export { expect };
