/**
 * Shared helpers for the browser tests. Tests drive the built library from a plain host page
 * (test/browser/pages/blank.html) through `page.evaluate`, importing dist/index.js with no bundler,
 * exactly as a static site would.
 */
import { expect, test as playwrightTest, type Page, type TestInfo } from '@playwright/test';
import { WebKitDriver } from './engines/webdriver.js';
import { CANARY, PORTS } from './ports.js';

/**
 * Playwright's test with the browser of the project's engine: Chromium and Firefox through
 * Playwright (Firefox over WebDriver BiDi), WebKitGTK through WebKitWebDriver (see engines/).
 */
export const base = playwrightTest.extend({
  browser: [
    async ({ playwright, browserName }, use, workerInfo) => {
      if (browserName !== 'webkit') {
        const browser = await playwright[browserName].launch();
        await use(browser);
        await browser.close();
        return;
      }
      const driver = await WebKitDriver.launch(PORTS.webdriver + workerInfo.parallelIndex, workerInfo.project.use.baseURL);
      await use(driver.asBrowser());
      await driver.close();
    },
    { scope: 'worker', timeout: 0 },
  ],
});

export const HOST_PAGE = '/test/browser/pages/blank.html';
export const LIB = '/dist/index.js';

/** The host setup a project runs under (playwright.config.ts sets it in each project's metadata). */
export function setupOf(info: TestInfo): 'coi' | 'plain' | 'csp' | undefined {
  return (info.project.metadata as { setup?: 'coi' | 'plain' | 'csp' }).setup;
}

/**
 * True when runs in this project can be interrupted through shared memory: the page is
 * cross-origin isolated and the engine has SharedArrayBuffer. WebKitGTK reports isolation but
 * has no SharedArrayBuffer, so there busy code is stopped by replacing the frame.
 */
export function sharedMemoryIn(info: TestInfo): boolean {
  return setupOf(info) === 'coi' && info.project.use.browserName !== 'webkit';
}

/**
 * Only Chromium shows a page's workers and cross-origin frames to the test driver (DevTools
 * protocol); tests that reach into the worker or the frame themselves run there. Skipped, with
 * this reason, elsewhere.
 */
export const DEVTOOLS_ONLY = 'reaches into the sandbox worker or frame through the DevTools protocol, which only Chromium exposes to the test driver';

/**
 * Records what this test observed for the README's browser support table (scripts/support-table.mjs
 * reads it from the report of passing tests): `column` is one of that script's columns.
 */
export function support(column: 'starts' | 'interrupt' | 'memory' | 'snapshot' | 'site', observed: string): void {
  playwrightTest.info().annotations.push({ type: `support:${column}`, description: observed });
}

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
 * True for an error thrown in the sandbox's worker, which Chromium and Firefox report to the page
 * too. Engines crash there on purpose in some tests; the host page's own errors have frames on the
 * page's origin. Chromium: all its frames are in the engine's wasm or the worker's blob: script.
 * Firefox: it comes with no stack at all ("too much recursion", "uncaught exception: undefined"),
 * while an error thrown by the page's scripts (the library's included) carries their frames.
 */
function fromSandboxWorker(error: Error, browserName: string | undefined): boolean {
  const stack = error.stack ?? '';
  if (browserName === 'firefox') return !/https?:\/\//.test(stack);
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 && frames.every((line) => /(wasm|blob):/.test(line));
}

/**
 * True for Firefox's security reports (a CSP or CORP block, in the page or the sandbox frame),
 * which its driver hands over as page errors: they are the policies doing their job, not
 * exceptions, and Chromium does not report them as page errors.
 */
export function isSecurityReport(error: Error | string): boolean {
  return /^(Content-Security-Policy: |(Error: )?The resource at .* was blocked due to its Cross-Origin-Resource-Policy)/.test(String(error));
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
    const browserName = page.context().browser?.()?.browserType().name();
    page.on('pageerror', (e) => fromSandboxWorker(e, browserName) || isSecurityReport(e) || errors.push(`${String(e)}\n${e.stack ?? ''}`));
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

/**
 * How many iframes the page has and, where the driver can see them (Chromium), how many workers;
 * `shift` adds to both, for expected values.
 */
export async function counts(page: Page): Promise<{ iframes: number; workers?: number }> {
  const iframes = await page.locator('iframe').count();
  return seesWorkers(page) ? { iframes, workers: page.workers().length } : { iframes };
}

/** What {@link counts} gives for a page with `n` sandboxes. */
export function sandboxCounts(page: Page, n: number): { iframes: number; workers?: number } {
  return seesWorkers(page) ? { iframes: n, workers: n } : { iframes: n };
}

function seesWorkers(page: Page): boolean {
  return typeof page.workers === 'function' && page.context().browser()?.browserType().name() === 'chromium';
}

/** `c` with `n` more iframes and (where counted) workers. */
export function shift(c: { iframes: number; workers?: number }, n: number): { iframes: number; workers?: number } {
  return c.workers === undefined ? { iframes: c.iframes + n } : { iframes: c.iframes + n, workers: c.workers + n };
}

/**
 * Runs `fn(arg)` inside the sandbox's frame (the test driver's view, not the guest's): Playwright's
 * frame in Chromium and Firefox, WebDriver's frame switch in WebKit.
 */
export async function evaluateInFrame<R, A = undefined>(page: Page, fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
  const driver = page as unknown as { evaluateInFrame?: (selector: string, f: typeof fn, a?: A) => Promise<R> };
  if (driver.evaluateInFrame) return driver.evaluateInFrame('iframe[data-ai-sandbox]', fn, arg);
  const frame = page.frames().find((f) => f.url().endsWith('/frame.htm'));
  if (!frame) throw new Error('no sandbox frame');
  return frame.evaluate(fn as (arg: unknown) => R | Promise<R>, arg);
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

/** What a fixture app or example shows in its `#out` element: its `data-status` and its text. */
export function appOutput(page: Page): Promise<{ status: string | null | undefined; text: string }> {
  return page.evaluate(() => ({ status: document.querySelector('#out')?.getAttribute('data-status'), text: document.querySelector('#out')?.textContent ?? '' }));
}
