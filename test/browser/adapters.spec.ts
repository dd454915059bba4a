/**
 * The adapters, each driven by its real framework package in the browser (the page
 * test/fixtures/adapters, bundled by Vite with `ai`, `@modelcontextprotocol/sdk`, `@langchain/core`
 * and React): the AI SDK with its mock language model, an MCP client over the SDK's in-memory
 * transport, a LangChain tool call, and `useSandbox` in a React app under StrictMode.
 */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine: a plain page adds nothing to the frameworks
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.js';
import { ADAPTERS_PATH } from '../fixtures/build-apps.js';

declare global {
  interface Window {
    scenarios: Record<string, (...args: unknown[]) => Promise<any>>;
    react: { mount(options: Record<string, unknown>): void; unmount(): void };
    hook: { status: string; progress?: { phase: string }; run(code: string): Promise<{ status: string; value?: unknown }>; reset(): Promise<void> };
  }
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const IMAGE_CODE = `import base64
class Dot:
    def _repr_png_(self):
        return base64.b64decode('${PNG}')
print('drawing')
Dot()`;

async function open(page: Page): Promise<void> {
  await page.goto(`/${ADAPTERS_PATH}/index.html`);
  await expect.poll(() => page.evaluate(() => document.body.dataset.ready), { timeout: 20_000 }).toBe('yes');
}

const scenario = (page: Page, name: string, ...args: unknown[]) => page.evaluate(([name, args]) => window.scenarios[name as string]!(...(args as unknown[])), [name, args] as const);
const frames = (page: Page) => page.evaluate(() => document.querySelectorAll('iframe').length);

test.describe('AI SDK', () => {
  test('generateText: the model calls run_code, the run’s text and image go back to it as a text part and an image part', async ({ page }) => {
    await open(page);
    const out = await scenario(page, 'aiSdkGenerate', { language: 'python', code: IMAGE_CODE });
    expect(out.text).toBe('done');
    expect(out.output).toMatchObject({ status: 'ok', stdout: 'drawing\n', images: [{ mediaType: 'image/png', data: PNG }] });
    expect(out.output.text).toMatch(/^status: ok/);
    expect(out.output.text).toContain('1 × image/png (shown to the user; the image is attached)');
    expect(out.sentToModel.type).toBe('content');
    expect(out.sentToModel.value).toEqual([
      { type: 'text', text: out.output.text },
      { type: 'file', mediaType: 'image/png', data: { type: 'data', data: PNG } },
    ]);
  });

  test('generateText: a run without images goes back as text; an error and invalid arguments are told to the model', async ({ page }) => {
    await open(page);
    const ok = await scenario(page, 'aiSdkGenerate', { language: 'javascript', code: '6 * 7' });
    expect(ok.sentToModel).toEqual({ type: 'text', value: ok.output.text });
    expect(ok.output.text).toMatch(/^status: ok .*\nvalue:\n42$/);
    const failed = await scenario(page, 'aiSdkGenerate', { language: 'javascript', code: 'null.x' });
    expect(failed.output.status).toBe('error');
    expect(failed.sentToModel.value).toMatch(/error: TypeError/);
    const invalid = await scenario(page, 'aiSdkGenerate', { language: 'cobol', code: 'x' });
    expect(invalid.output.status).toBe('invalid-arguments');
    expect(invalid.sentToModel.value).toMatch(/"language" must be one of "python", "javascript"/);
  });

  test('streamText: output streams as preliminary tool results while the code runs, then the final result', async ({ page }) => {
    await open(page);
    const code = "for (let i = 0; i < 3; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, 150)); }";
    const { results, text } = await scenario(page, 'aiSdkStream', code);
    expect(text).toBe('ok');
    // Every yield is a preliminary result (the last one too), and the SDK repeats the last as final.
    const running = results.filter((r: { status: string }) => r.status === 'running');
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running.every((r: { preliminary: boolean }) => r.preliminary)).toBe(true);
    expect(running[0].stdout).toMatch(/^tick 0\n/);
    expect(running.at(-1).stdout.length).toBeGreaterThan(running[0].stdout.length);
    expect(results.at(-1)).toEqual({ preliminary: false, status: 'ok', stdout: 'tick 0\ntick 1\ntick 2\n' });
  });

  test('the SDK’s abortSignal aborts the run', async ({ page }) => {
    await open(page);
    const { error, statuses } = await scenario(page, 'aiSdkAbort');
    expect(error).toBe('AbortError');
    expect(statuses).toEqual(['aborted']);
  });
});

test.describe('MCP', () => {
  test('a client lists run_code, gets text and image content, isError for failures, progress, and the files as resources', async ({ page }) => {
    await open(page);
    const out = await scenario(page, 'mcp', IMAGE_CODE);
    expect(out.serverName).toBe('test-sandbox');
    expect(out.tools).toEqual([{ name: 'run_code', inputSchema: expect.objectContaining({ type: 'object', required: ['language', 'code'] }) }]);
    expect(out.image).toMatchObject({ isError: false, types: ['text', 'image'], mimeType: 'image/png', data: PNG });
    expect(out.image.text).toMatch(/^status: ok[^]*stdout:\ndrawing/);
    expect(out.failed.isError).toBe(true);
    expect(out.failed.text).toMatch(/error: ZeroDivisionError/);
    expect(out.invalid).toMatchObject({ isError: true, text: expect.stringMatching(/invalid arguments/) });
    expect(out.progress.length).toBeGreaterThanOrEqual(1);
    expect(out.progress.at(-1)).toMatch(/tick 0\n/);
    expect(out.resources).toEqual([{ name: 'notes.txt', uri: 'sandbox:///home/user/notes.txt', mimeType: 'text/plain' }]);
    expect(out.read).toEqual({ uri: 'sandbox:///home/user/notes.txt', mimeType: 'text/plain', text: 'hello from python' });
  });

  test('resources over thousands of folders and a planted link: folders count against maxResources, links are skipped, and a whole walk does not count as a flood', async ({ page }) => {
    test.setTimeout(120_000);
    await open(page);
    const out = await scenario(page, 'mcpHostileTree', 4000);
    // The default cap (200 entries) stops the walk among the folders, before the file.
    expect(out.capped.listed).toEqual([]);
    // With room for everything: 4000 folder listings, each a call the frame made; the link is left out.
    expect(out.whole.listed).toEqual(['z.txt']);
    expect(out.after).toBe(2);
  });

  test('the client’s cancellation aborts the run', async ({ page }) => {
    await open(page);
    const { error, statuses } = await scenario(page, 'mcpCancel');
    // The SDK's client rejects a cancelled request with an McpError that names the abort.
    expect(error).toMatch(/^McpError: .*AbortError/);
    expect(statuses).toEqual(['aborted']);
  });
});

test.describe('LangChain', () => {
  test('a tool call gets a ToolMessage: the text and the image as content blocks, the RunResult as artifact', async ({ page }) => {
    await open(page);
    const out = await scenario(page, 'langchain', { language: 'python', code: IMAGE_CODE });
    expect(out.name).toBe('run_code');
    expect(out.schema).toMatchObject({ type: 'object', required: ['language', 'code'] });
    expect(out.message).toMatchObject({ type: 'tool', toolCallId: 'call-1', artifactStatus: 'ok' });
    expect(out.message.content).toEqual([
      { type: 'text', text: expect.stringMatching(/^status: ok[^]*image is attached/) },
      { type: 'image', mimeType: 'image/png', data: PNG },
    ]);
  });

  test('the call’s signal aborts the run', async ({ page }) => {
    await open(page);
    const out = await scenario(page, 'langchain', { language: 'javascript', code: 'while (true) {}' }, 1500);
    expect(out.error).toBe('AbortError');
    expect(out.statuses).toEqual(['aborted']);
  });
});

test.describe('React', () => {
  test('useSandbox under StrictMode: eager start leaves one frame, runs report status, unmount removes the frame', async ({ page }) => {
    await open(page);
    await page.evaluate(() => window.react.mount({ language: 'javascript', eager: true }));
    await expect.poll(() => page.evaluate(() => window.hook?.status), { timeout: 20_000 }).toBe('ready');
    // StrictMode mounted, unmounted and mounted again: two sandboxes started, the first disposed.
    const lifecycle = () => page.evaluate(() => (window as unknown as { sandboxEvents: string[] }).sandboxEvents.filter((t) => t === 'sandbox-created' || t === 'sandbox-disposed'));
    await expect.poll(lifecycle).toEqual(['sandbox-created', 'sandbox-created', 'sandbox-disposed']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await frames(page)).toBe(1);
    const result = await page.evaluate(() => window.hook.run('[1, 2].map((x) => x * 21)'));
    expect(result).toMatchObject({ status: 'ok', value: [21, 42] });
    expect(await page.evaluate(() => window.hook.status)).toBe('ready');
    await page.evaluate(() => window.react.unmount());
    await expect.poll(() => frames(page)).toBe(0);
    expect(await lifecycle()).toEqual(['sandbox-created', 'sandbox-created', 'sandbox-disposed', 'sandbox-disposed']);
  });

  test('useSandbox starts lazily at the first run, shows progress, and reset() disposes the frame', async ({ page }) => {
    await open(page);
    await page.evaluate(() => window.react.mount({ language: 'javascript' }));
    await expect.poll(() => page.evaluate(() => window.hook?.status)).toBe('idle');
    expect(await frames(page)).toBe(0);
    const result = await page.evaluate(() => window.hook.run('1 + 1'));
    expect(result).toMatchObject({ status: 'ok', value: 2 });
    await expect.poll(() => page.evaluate(() => window.hook.progress?.phase)).toBe('ready');
    expect(await frames(page)).toBe(1);
    await page.evaluate(() => window.hook.reset());
    await expect.poll(() => frames(page)).toBe(0);
    await expect.poll(() => page.evaluate(() => window.hook.status)).toBe('idle');
    await page.evaluate(() => window.react.unmount());
  });

  test("a child's effect runs code before the hook's component has mounted: the run waits for the mount (StrictMode: twice, one sandbox)", async ({ page }) => {
    await open(page);
    await page.evaluate(() => window.react.mount({ language: 'javascript', childRun: '6 * 7' }));
    const results = () => page.evaluate(() => (window as unknown as { childResults: unknown[] }).childResults);
    // StrictMode runs the child's effect twice; both runs wait for the mount and share its sandbox.
    await expect.poll(results, { timeout: 20_000 }).toEqual([
      { status: 'ok', value: 42 },
      { status: 'ok', value: 42 },
    ]);
    const lifecycle = await page.evaluate(() => (window as unknown as { sandboxEvents: string[] }).sandboxEvents.filter((t) => t === 'sandbox-created'));
    expect(lifecycle).toEqual(['sandbox-created']);
    expect(await frames(page)).toBe(1);
    await page.evaluate(() => window.react.unmount());
    await expect.poll(() => frames(page)).toBe(0);
    // After unmount, a run is refused at once.
    expect(await page.evaluate(() => window.hook.run('1').then(() => 'ran', (e: Error) => e.message))).toBe('useSandbox: the component is not mounted');
  });
});
