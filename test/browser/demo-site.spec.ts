/**
 * The built demo site (`npm run build:demo` → dist-demo/) served by a plain static server that
 * sends no special headers: shareable links, Run and Stop in both languages, rich outputs, files,
 * the chat demo (scripted, and live against a stand-in model API), the service worker's isolation and cache, the fallback without it, and screenshots.
 *
 * The first test runs in every engine through nothing but `goto` and `evaluate`, which is all the
 * WebKit driver offers; the others press keys, pick files, wait for downloads and size the
 * viewport through Playwright, so they run in Chromium and Firefox.
 */
// @runs chromium:site firefox:site webkit:site — the built site on a header-less static server of its own, in every engine
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { type Page } from '@playwright/test';
import { base as test, expect, isSecurityReport, support } from './helpers.js';
import { startPlainSiteServer } from '../server/static-server.mjs';
import { startFakeModel } from '../server/fake-model.mjs';

let server: Server;
let site = '';

test.beforeAll(async () => {
  server = await startPlainSiteServer('dist-demo', 0);
  site = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
test.afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

const link = (language: string, code: string) => `#lang=${language}&code=${Buffer.from(code).toString('base64url')}`;

/**
 * Collects uncaught page errors and console errors, for the test to fail on. Firefox logs each CSP
 * refusal (the inert output frames refuse their inline styles and scripts by design) as a console
 * error: those are the policy at work, not faults.
 */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => isSecurityReport(e) || errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !isSecurityReport(m.text()) && errors.push(m.text()));
  return errors;
}

/** What the Playwright-only tests need that the WebKit driver (goto and evaluate) lacks. */
const PLAYWRIGHT_ONLY = 'types into the editor, picks files, waits for downloads or sizes the viewport: the WebKit driver offers goto and evaluate only';

/** The site's controls by test id, through `evaluate` alone, as every engine's driver allows. */
const control = {
  /** The element's text, or null while the page navigates (the service worker's one reload). */
  text: (page: Page, id: string) =>
    page.evaluate((i) => document.querySelector(`[data-testid="${i}"]`)?.textContent ?? null, id).catch(() => null),
  press: (page: Page, id: string) => page.evaluate((i) => (document.querySelector(`[data-testid="${i}"]`) as HTMLElement).click(), id),
  /** Sets an input's value (Playwright's `fill` over Firefox's BiDi appends to a number input). */
  fill: (page: Page, id: string, value: string) =>
    page.evaluate(
      ([i, v]) => {
        const input = document.querySelector(`[data-testid="${i}"]`) as HTMLInputElement;
        input.value = v;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      [id, value] as const,
    ),
  /** Waits until the status badge reads `status`. */
  status: (page: Page, status: string, timeout = 60_000) => expect.poll(() => control.text(page, 'status'), { timeout }).toBe(status),
};

/** Opens a page of the site (through the service worker's one reload) and waits until the sandbox is ready. */
async function openPlayground(page: Page, hash = ''): Promise<void> {
  await page.goto(site + hash);
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
}

async function replaceCode(page: Page, code: string): Promise<void> {
  await page.getByTestId('editor').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(code);
}

async function runAndWait(page: Page, status: string | RegExp = 'ok'): Promise<void> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText(status, { timeout: 60_000 });
}

/**
 * The site's mode in this engine: the service worker isolates the page only where the sandbox frame
 * can load on it without headers of its own (credentialless iframes: Chromium); elsewhere it
 * falls back, never breaks.
 */
const siteMode = (browserName: string) => (browserName === 'chromium' ? 'isolated' : 'fallback mode');

test('every engine: shared links run in both languages; a deadline and Stop hold in the site mode of the engine', async ({ page, browserName }) => {
  await page.goto(site + link('javascript', "console.log('hi from a link');\n6 * 7"));
  await control.status(page, 'ready');
  expect(await control.text(page, 'mode')).toBe(siteMode(browserName));
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(siteMode(browserName) === 'isolated');
  support('site', siteMode(browserName) === 'isolated' ? 'isolated by its service worker' : 'fallback mode (no credentialless iframes)');
  await control.press(page, 'run');
  await control.status(page, 'ok');
  expect(await control.text(page, 'output')).toContain('hi from a link');
  expect(await control.text(page, 'output')).toContain('42');

  // A runaway loop ends at its deadline, and Stop ends one without a deadline; the sandbox runs on.
  await page.goto(site + link('javascript', 'while (true) {}'));
  await control.status(page, 'ready');
  await control.fill(page, 'timeout', '300');
  await control.press(page, 'run');
  await control.status(page, 'timeout');
  await control.fill(page, 'timeout', '60000');
  await control.press(page, 'run');
  await control.status(page, 'running…');
  await control.press(page, 'stop');
  await control.status(page, 'aborted');
  await control.press(page, 'lang-python');
  await control.status(page, 'ready');
  await page.goto(site + link('python', 'print("total is", sum(range(10)))'));
  await control.status(page, 'ready');
  await control.press(page, 'run');
  await control.status(page, 'ok');
  expect(await control.text(page, 'output')).toContain('total is 45');
});

test.describe('every engine: the chat demo with a model (a local stand-in speaking both APIs)', () => {
  let model: Awaited<ReturnType<typeof startFakeModel>>;
  test.beforeAll(async () => {
    model = await startFakeModel();
  });
  test.afterAll(() => new Promise<void>((resolve) => model?.server.close(() => resolve())));

  const ENDPOINTS = { openai: '/v1/chat/completions', anthropic: '/v1/messages' } as const;

  /** Opens the chat demo, waits until it has settled its mode, and enters the settings. */
  async function openChat(page: Page, provider: keyof typeof ENDPOINTS): Promise<void> {
    await page.goto(`${site}demo/chat.html`);
    await expect.poll(() => control.text(page, 'mode'), { timeout: 30_000 }).toMatch(/isolated|fallback/);
    await control.fill(page, 'live-provider', provider);
    await control.fill(page, 'live-endpoint', model.url + ENDPOINTS[provider]);
    await control.fill(page, 'live-model', 'fake-model');
    await control.fill(page, 'live-key', 'test-key');
  }

  /** Sends a message once the last exchange has ended, and waits until the log contains `expected`. */
  async function say(page: Page, text: string, expected: string, timeout = 60_000): Promise<void> {
    await expect.poll(() => page.evaluate(() => (document.querySelector('[data-testid="live-send"]') as HTMLButtonElement).disabled), { timeout }).toBe(false);
    await control.fill(page, 'live-message', text);
    await control.press(page, 'live-send');
    await expect.poll(() => control.text(page, 'live-log'), { timeout }).toContain(expected);
  }

  const count = (page: Page, id: string) => page.evaluate((i) => document.querySelectorAll(`[data-testid="${i}"]`).length, id);
  const texts = (page: Page, id: string) => page.evaluate((i) => [...document.querySelectorAll(`[data-testid="${i}"]`)].map((e) => e.textContent ?? ''), id);

  test('Chat Completions: a model that calls run_code three times, then answers from the results; the key stays in the tab and goes only in the header', async ({ page }) => {
    const before = model.requests.length;
    await openChat(page, 'openai');
    await say(page, 'run three programs', 'Done after 3 runs: 0, 1, 4.');
    expect(await count(page, 'live-tool-call')).toBe(3);
    const results = await texts(page, 'live-tool-result');
    expect(results.every((r) => r.startsWith('status: ok'))).toBe(true);
    expect(results[2]).toContain('square 4');
    const sent = model.requests.slice(before);
    expect(sent).toHaveLength(4);
    for (const request of sent) {
      expect(request.url).toBe('/v1/chat/completions');
      expect(request.headers.authorization).toBe('Bearer test-key');
      expect(request.body).toMatchObject({ model: 'fake-model', stream: true, tools: [{ type: 'function', function: { name: 'run_code' } }] });
    }
    expect(sent[3]!.body.messages.filter((m: { role: string }) => m.role === 'tool')).toHaveLength(3);
    // The key: in this tab's sessionStorage, not in the URL, not in localStorage, back after a reload.
    expect(await page.evaluate(() => location.href)).not.toContain('test-key');
    expect(await page.evaluate(() => [sessionStorage.getItem('ai-sandbox-chat:key'), JSON.stringify(localStorage)])).toEqual(['test-key', '{}']);
    await page.goto(`${site}demo/chat.html`);
    await expect.poll(() => page.evaluate(() => (document.querySelector('[data-testid="live-key"]') as HTMLInputElement).value)).toBe('test-key');
  });

  test('Anthropic Messages: an image goes back to the model as an image block; a tool error is told to it', async ({ page }) => {
    const before = model.requests.length;
    await openChat(page, 'anthropic');
    await say(page, 'draw a chart', 'I saw 1 image(s). status: ok');
    expect(await page.evaluate(() => document.querySelectorAll('[data-testid="live-tool-call"] img').length)).toBe(1);
    expect((await texts(page, 'live-tool-result'))[0]).toContain('the image is attached');
    await say(page, 'now an error please', 'The tool said: error: TypeError');
    const sent = model.requests.slice(before);
    expect(sent).toHaveLength(4);
    for (const request of sent) {
      expect(request.url).toBe('/v1/messages');
      expect(request.headers).toMatchObject({ 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' });
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body).toMatchObject({ model: 'fake-model', stream: true, tools: [{ name: 'run_code', input_schema: { type: 'object' } }] });
    }
    const toolResult = sent[1]!.body.messages.at(-1).content[0];
    expect(toolResult).toMatchObject({ type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text' }, { type: 'image', source: { type: 'base64', media_type: 'image/png' } }] });
    expect(sent[3]!.body.messages.at(-1).content[0]).toMatchObject({ type: 'tool_result', is_error: true });
  });

  test('a run that times out: the model hears "status: timeout", and the next run works', async ({ page }) => {
    await openChat(page, 'openai');
    await say(page, 'this will timeout', 'The tool said: status: timeout', 90_000);
    await say(page, 'run three programs', 'Done after 3 runs: 0, 1, 4.');
  });

  test('a wrong key: the endpoint’s refusal is shown, and nothing runs', async ({ page }) => {
    await openChat(page, 'openai');
    await control.fill(page, 'live-key', 'wrong-key');
    await say(page, 'run three programs', 'Error: the endpoint answered HTTP 401');
    expect(await count(page, 'live-tool-call')).toBe(0);
  });
});

test.describe('through Playwright', () => {
  test.skip(({ browserName }) => browserName === 'webkit', PLAYWRIGHT_ONLY);

  test('a shared JavaScript link runs; the page is isolated by the service worker where the frame allows it; both themes', async ({ page, browserName }) => {
    const errors = watchErrors(page);
    const code = "const word = 'ünïcode ✓';\nconsole.log('hi from a link');\n[word, 6 * 7]";
    await openPlayground(page, link('javascript', code));
    await expect(page.getByTestId('mode')).toHaveText(siteMode(browserName));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(siteMode(browserName) === 'isolated');
    await expect(page.getByTestId('editor')).toContainText('hi from a link');
    await runAndWait(page);
    await expect(page.getByTestId('output')).toContainText('hi from a link');
    await expect(page.getByTestId('output')).toContainText("[ 'ünïcode ✓', 42 ]");
    await expect(page.getByTestId('duration')).toHaveText(/\d+\.\d ms/);
    await expect(page.getByTestId('events')).toContainText('run-finished');
    await page.screenshot({ path: test.info().outputPath('playground-light.png') });

    await page.getByTestId('theme').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.screenshot({ path: test.info().outputPath('playground-dark.png') });
    // The choice is remembered.
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(errors).toEqual([]);
  });

  test('a shared Python link runs; errors mark their line; the address bar tracks the editor', async ({ page }) => {
    const errors = watchErrors(page);
    await openPlayground(page, link('python', 'total = sum(range(10))\nprint("total is", total)\ntotal * 2'));
    await expect(page.getByTestId('lang-python')).toHaveAttribute('aria-pressed', 'true');
    await runAndWait(page);
    await expect(page.getByTestId('output')).toContainText('total is 45');
    await expect(page.getByTestId('output')).toContainText('90');

    await page.getByTestId('example').selectOption('Error with a traceback');
    await runAndWait(page, 'error');
    await expect(page.getByTestId('output')).toContainText("ValueError: invalid literal for int() with base 10: 'forty-two'");
    await expect(page.getByTestId('output')).toContainText('line 2');
    await expect(page.locator('.cm-error-line')).toHaveCount(1);
    await expect(page.locator('.cm-error-line')).toContainText('return int(text)');

    // Editing clears the marker, and the URL becomes a link to the new code.
    await page.getByTestId('editor').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# edited');
    await expect(page.locator('.cm-error-line')).toHaveCount(0);
    const shared = async () => {
      const params = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
      return { lang: params.get('lang'), code: Buffer.from(params.get('code') ?? '', 'base64url').toString('utf8') };
    };
    await expect.poll(async () => (await shared()).code).toContain('# edited');
    expect(await shared()).toEqual({ lang: 'python', code: expect.stringContaining('def parse(text):') });
    expect(errors).toEqual([]);
  });

  test('Stop ends an infinite loop in both languages, and the sandboxes keep their state (isolated mode)', async ({ page, browserName }) => {
    test.skip(siteMode(browserName) !== 'isolated', 'fallback mode restarts on Stop: covered by the fallback test below');
    const errors = watchErrors(page);
    await openPlayground(page, link('javascript', 'globalThis.kept = 7; let n = 0; while (true) n++;'));
    await control.fill(page, 'timeout', '60000');
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status')).toHaveText('running…');
    await page.getByTestId('stop').click();
    await expect(page.getByTestId('status')).toHaveText('aborted');

    await page.getByTestId('lang-python').click();
    await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
    await page.getByTestId('example').selectOption('Infinite loop (timeout)');
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status')).toHaveText('running…');
    await page.waitForTimeout(300);
    await page.getByTestId('stop').click();
    await expect(page.getByTestId('status')).toHaveText('aborted');
    await expect(page.getByTestId('output')).not.toContainText('restarted');
    // Interrupted, not restarted: the loop's variable is still there.
    await replaceCode(page, 'n > 0');
    await runAndWait(page);
    await expect(page.getByTestId('output')).toContainText('True');

    await page.getByTestId('lang-javascript').click();
    await expect(page.getByTestId('status')).toHaveText('ready');
    await replaceCode(page, 'kept');
    await runAndWait(page);
    await expect(page.getByTestId('output')).toContainText('7');
    expect(errors).toEqual([]);
  });

  test('Python rich outputs render inline, inert: images, and frames without scripts or network', async ({ page }) => {
    const errors = watchErrors(page);
    await openPlayground(page, link('python', 'pass'));
    await page.getByTestId('example').selectOption('Chart and rich outputs');
    await runAndWait(page);
    const output = page.getByTestId('output');
    await expect(output.locator('img')).toHaveCount(2);
    expect(await output.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth))).toEqual([300, 150]);
    const frames = output.locator('iframe.rich');
    await expect(frames).toHaveCount(2);
    for (const frame of await frames.all()) {
      expect(await frame.getAttribute('sandbox')).toBe('');
      expect(await frame.getAttribute('srcdoc')).toContain("default-src 'none'");
    }
    await expect(page.frameLocator('iframe.rich').nth(0).locator('td').first()).toHaveText('Mon');
    await expect(page.frameLocator('iframe.rich').nth(1).locator('strong')).toHaveText('Best day:');
    await page.screenshot({ path: test.info().outputPath('playground-rich.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  test('the packages opt-in: off by default and nothing fetched; on (remembered), the chart example uses pandas and matplotlib from the Pyodide CDN (unreachable here: a clear PackageError)', async ({ page }) => {
    const errors = watchErrors(page);
    const cdn: string[] = [];
    await page.route('https://cdn.jsdelivr.net/**', (route) => {
      cdn.push(route.request().url());
      return route.abort();
    });
    await openPlayground(page);
    await page.getByTestId('lang-python').click();
    await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
    const optIn = page.getByTestId('cdn-packages');
    await expect(optIn).toBeVisible();
    await expect(optIn).not.toBeChecked();
    await page.getByTestId('example').selectOption('Chart and rich outputs');
    await expect(page.getByTestId('editor')).toContainText('class SVG');
    expect(cdn).toEqual([]);

    await optIn.check();
    await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
    await page.getByTestId('example').selectOption('Chart and rich outputs');
    await expect(page.getByTestId('editor')).toContainText('import pandas as pd');
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status')).toHaveText('failed', { timeout: 60_000 });
    await expect(page.getByTestId('output')).toContainText(/PackageError: could not fetch https:\/\/cdn\.jsdelivr\.net\/pyodide\/v[\d.]+\/full\/\S+\.whl/);
    expect(cdn.some((url) => url.startsWith('https://cdn.jsdelivr.net/pyodide/v'))).toBe(true);

    await page.reload();
    await page.getByTestId('lang-python').click();
    await expect(page.getByTestId('cdn-packages')).toBeChecked();
    // Leaving while Python's files still download cancels requests the site's service worker
    // answers, which Firefox logs as errors (seen once in a fresh-clone CI run): let it finish.
    await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
    // The chat demo shares the choice.
    await page.goto(`${site}demo/chat.html`);
    await expect(page.getByTestId('cdn-packages')).toBeChecked();
    // The browsers log each request this test refused (Chromium without its URL); nothing else.
    expect(errors.filter((e) => !/^Failed to load resource: net::ERR_FAILED$|^Cross-Origin Request Blocked: .* at https:\/\/cdn\.jsdelivr\.net\//.test(e))).toEqual([]);
  });

  test('files go in by upload and come out by download', async ({ page, browserName }) => {
    const errors = watchErrors(page);
    await openPlayground(page, link('python', 'data = open("in.txt").read()\nopen("out.txt", "w").write(data.upper())\ndata'));
    await page.getByTestId('upload').setInputFiles({ name: 'in.txt', mimeType: 'text/plain', buffer: Buffer.from('hello files') });
    await expect(page.getByTestId('files')).toContainText('in.txt');
    await runAndWait(page);
    await expect(page.getByTestId('output')).toContainText("'hello files'");
    await expect(page.getByTestId('files')).toContainText('out.txt');
    if (browserName === 'firefox') {
      // Firefox does not report downloads to Playwright over BiDi: read the link the page clicks.
      await page.evaluate(() => {
        const w = window as unknown as { offered?: Promise<[string, string]> };
        w.offered = new Promise((resolve) => {
          HTMLAnchorElement.prototype.click = function () {
            void fetch(this.href).then(async (r) => resolve([this.download, await r.text()]));
          };
        });
      });
      await page.getByTestId('files').getByText('out.txt').click();
      expect(await page.evaluate(() => (window as unknown as { offered: Promise<[string, string]> }).offered)).toEqual(['out.txt', 'HELLO FILES']);
    } else {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('files').getByText('out.txt').click()]);
      expect(download.suggestedFilename()).toBe('out.txt');
      expect(await readFile((await download.path())!, 'utf8')).toBe('HELLO FILES');
    }
    expect(errors).toEqual([]);
  });

  test('the chat demo runs its code blocks and its tool call inline', async ({ page, browserName }) => {
    const errors = watchErrors(page);
    await page.goto(`${site}demo/chat.html`);
    await expect(page.getByTestId('mode')).toHaveText(siteMode(browserName), { timeout: 30_000 });
    await expect(page.getByTestId('tool-definition')).toContainText('"name": "run_code"');
    const blocks = page.getByTestId('run-block');
    await expect(blocks).toHaveCount(3);
    const outputs = page.getByTestId('block-output');

    await blocks.nth(0).click();
    await expect(outputs.nth(0)).toContainText('0 1 1 2 3 5 8 13 21', { timeout: 60_000 });
    await expect(outputs.nth(0)).toContainText('1.618034');
    await blocks.nth(1).click();
    await expect(outputs.nth(1).locator('img')).toHaveCount(1, { timeout: 30_000 });

    await page.getByTestId('run-tool-call').click();
    await expect(page.getByTestId('tool-result')).toContainText('status: ok');
    await expect(page.getByTestId('tool-result')).toContainText('computed: 47.48');
    await expect(page.getByTestId('tool-result')).toContainText('matches: true');

    await blocks.nth(2).click();
    await expect(outputs.nth(2)).toContainText('TypeError');
    await expect(outputs.nth(2)).toContainText('line 2');
    await expect(page.locator('.code-block pre.source .tok-keyword').first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('chat-demo.png'), fullPage: true });
    await page.getByTestId('theme').click();
    await page.screenshot({ path: test.info().outputPath('chat-demo-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  test('a second visit takes the engines from the cache and Python from its snapshot', async ({ browser }) => {
    const own = await startPlainSiteServer('dist-demo', 0);
    const url = `http://127.0.0.1:${(own.address() as { port: number }).port}/`;
    const context = await browser.newContext();
    const engineFiles = (paths: string[]) => paths.filter((p) => /\/assets\/(pyodide|python|quickjs|worker)[^/]*$/.test(p));
    const visit = async () => {
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(url + link('python', 'print("visited")'));
      await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
      const readyMs = Date.now() - started;
      // The first visit makes and keeps a memory snapshot of Python; the second starts from it.
      await expect(page.getByTestId('events')).toContainText(/snapshot-made|fromSnapshot=true/, { timeout: 60_000 });
      const fromSnapshot = (await page.getByTestId('events').textContent())!.includes('fromSnapshot=true');
      await page.getByTestId('run').click();
      await expect(page.getByTestId('output')).toContainText('visited', { timeout: 30_000 });
      await page.getByTestId('lang-javascript').click();
      await expect(page.getByTestId('status')).toHaveText('ready');
      await page.close();
      return { readyMs, fromSnapshot };
    };
    try {
      const first = await visit();
      expect(first.fromSnapshot).toBe(false);
      const fetched = engineFiles(own.requests);
      expect(fetched.some((p) => /pyodide\.asm-.*\.wasm$/.test(p))).toBe(true);
      expect(fetched.some((p) => /quickjs-.*\.wasm$/.test(p))).toBe(true);
      own.requests.length = 0;

      const second = await visit();
      expect(second.fromSnapshot).toBe(true);
      expect(own.requests.length).toBeGreaterThan(0);
      expect(engineFiles(own.requests)).toEqual([]);
      test.info().annotations.push({ type: 'timing', description: `Python ready: first visit ${first.readyMs} ms, second visit ${second.readyMs} ms` });
    } finally {
      await context.close();
      own.close();
    }
  });

  test('without a service worker the site falls back to restarts, and says so', async ({ browser }) => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await openPlayground(page, link('javascript', 'while (true) {}'));
      await expect(page.getByTestId('mode')).toHaveText('fallback mode');
      await expect(page.getByTestId('mode')).toHaveAttribute('title', /restarting the sandbox/);
      await control.fill(page, 'timeout', '300');
      await runAndWait(page, 'timeout');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('on a phone-sized screen the playground fits without sideways scrolling', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await openPlayground(page);
      await runAndWait(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: test.info().outputPath('playground-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
