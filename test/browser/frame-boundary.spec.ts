/**
 * The frame is the boundary a hostile worker meets. These tests replace the worker with one that
 * breaks every rule (test/fixtures/hostile-worker.js, served as the library's worker under
 * /hostile-assets/), standing in for a worker a Python guest has taken over: forged and malformed
 * messages, floods, oversized output, values and errors, too many host calls, silence, and work
 * that outlives its run. Whatever it does, the host gets a capped, plain result with a clear
 * status, one summarizing event instead of a flood of them, and a working sandbox afterwards.
 */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine: the hostile worker meets the same frame on every page
import type { SandboxEvent } from '../../src/index.js';
import { expect, test } from './helpers.js';

declare global {
  interface Window {
    events: SandboxEvent[];
    toolCalls: number;
  }
}

const HOSTILE = '/hostile-assets/';

/** Creates a sandbox whose worker is the hostile one; events go to window.events. */
async function createHostile(page: import('@playwright/test').Page, options: Record<string, unknown> = {}) {
  await page.evaluate(
    async ({ assetsUrl, options }) => {
      window.events = [];
      window.toolCalls = 0;
      window.sandboxes.h = await window.lib.createSandbox({
        language: 'javascript',
        assetsUrl,
        onEvent: (e: SandboxEvent) => window.events.push(e),
        tools: { count: () => ++window.toolCalls },
        ...options,
      } as never);
    },
    { assetsUrl: HOSTILE, options },
  );
}

const run = (page: import('@playwright/test').Page, scenario: string, options: Record<string, unknown> = {}) =>
  page.evaluate(({ scenario, options }) => window.sandboxes.h!.run(scenario, options), { scenario, options });
const eventsOf = (page: import('@playwright/test').Page, type: SandboxEvent['type']) => page.evaluate((type) => window.events.filter((e) => e.type === type), type);

test('messages of every wrong shape are dropped and summarized, and the real answer still arrives', async ({ host }) => {
  await createHostile(host);
  const r = await run(host, 'invalid-messages');
  expect(r).toMatchObject({ status: 'ok', value: 42, stdout: 'real\n', stateLost: false });
  await expect.poll(async () => (await eventsOf(host, 'message-dropped')).reduce((n, e) => n + (e as { count: number }).count, 0)).toBe(50);
  const dropped = await eventsOf(host, 'message-dropped');
  expect(dropped.length).toBeLessThanOrEqual(4);
  expect(dropped.every((e) => e.type === 'message-dropped' && e.channel === 'worker')).toBe(true);
  expect((dropped[0] as { reason: string }).reason).toBe('a string');
});

test('output claiming to belong to another run is dropped', async ({ host }) => {
  await createHostile(host);
  const r = await run(host, 'other-runs-output');
  expect(r).toMatchObject({ status: 'ok', stdout: '' });
  expect((await run(host, 'honest')).stdout).toBe('honest\n');
});

test('one output message far past the cap is cut to it', async ({ host }) => {
  await createHostile(host, { maxOutputBytes: 1000 });
  const r = await run(host, 'huge-output');
  expect(r).toMatchObject({ status: 'ok', truncated: true });
  expect(r.stdout.length).toBe(1000);
  expect((await eventsOf(host, 'limit-hit')).map((e) => (e as { limit: string }).limit)).toEqual(['output']);
});

for (const [scenario, what] of [
  ['output-flood', 'a flood of output messages'],
  ['invalid-flood', 'a flood of invalid messages'],
] as const) {
  test(`${what} stops the worker: one limit event, status crashed, and the sandbox works again`, async ({ host }) => {
    await createHostile(host);
    const r = await run(host, scenario);
    expect(r).toMatchObject({ status: 'crashed', stateLost: true, error: { name: 'BridgeError' } });
    expect(r.error!.message).toMatch(/more messages than the frame allows/);
    expect(new TextEncoder().encode(r.stdout).length).toBeLessThanOrEqual(1024 * 1024);
    const limits = (await eventsOf(host, 'limit-hit')).map((e) => (e as { limit: string }).limit);
    expect(limits).toEqual(['messages']);
    // A flood of invalid messages becomes a handful of summarizing events, not one per message.
    expect((await eventsOf(host, 'message-dropped')).length).toBeLessThanOrEqual(10);
    expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42 });
  });
}

test('a value that is not plain data never reaches the host: the worker is stopped', async ({ host }) => {
  await createHostile(host);
  const r = await run(host, 'exotic-value');
  expect(r).toMatchObject({ status: 'crashed', stateLost: true });
  expect(r.error!.message).toMatch(/malformed run result/);
  expect('value' in r).toBe(false);
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42 });
});

test('a value that is not JSON ends as crashed, never as an exception in the page', async ({ host }) => {
  await createHostile(host);
  const r = await run(host, 'not-json-value');
  expect(r).toMatchObject({ status: 'crashed', stateLost: true, error: { name: 'BridgeError' } });
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42 });
});

test('an oversized value, error or set of rich outputs is capped by the frame', async ({ host }) => {
  await createHostile(host, { maxValueBytes: 10_000 });
  const value = await run(host, 'huge-value');
  expect(value).toMatchObject({ status: 'ok', truncated: true });
  expect('value' in value).toBe(false);
  expect(value.text!.length).toBe(10_000);
  const error = await run(host, 'huge-error');
  expect(error.status).toBe('error');
  expect(error.error!.name.length).toBe(200);
  expect(error.error!.message.length).toBe(16 * 1024);
  expect(error.error!.stack!.length).toBe(16 * 1024);
  const outputs = await run(host, 'huge-outputs');
  expect(outputs.truncated).toBe(true);
  expect(outputs.outputs.reduce((n, o) => n + o.data.length + o.mime.length, 0)).toBeLessThanOrEqual(10_000);
});

test('host calls past maxToolCalls are refused in the frame; the host sees only the allowed ones', async ({ host }) => {
  await createHostile(host, { maxToolCalls: 10 });
  const r = await run(host, 'host-call-flood');
  expect(r.status).toBe('ok');
  expect(await host.evaluate(() => window.toolCalls)).toBe(10);
  expect((await eventsOf(host, 'tool-call')).length).toBe(10);
  expect((await eventsOf(host, 'limit-hit')).map((e) => (e as { limit: string }).limit)).toEqual(['host-calls']);
});

test('a tool call with oversized arguments, or for another run, never reaches the host', async ({ host }) => {
  await createHostile(host, { maxToolArgumentBytes: 1000 });
  expect((await run(host, 'huge-tool-args')).status).toBe('ok');
  expect((await run(host, 'host-call-for-another-run')).status).toBe('ok');
  expect(await host.evaluate(() => window.toolCalls)).toBe(0);
  expect(await eventsOf(host, 'tool-call')).toEqual([]);
});

test('a worker that never takes its run is stopped within seconds, not at the deadline', async ({ host }) => {
  await createHostile(host);
  const started = Date.now();
  const r = await run(host, 'no-ack', { timeoutMs: 60_000 });
  expect(r).toMatchObject({ status: 'crashed', stateLost: true });
  expect(r.error!.message).toMatch(/did not take the run call/);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42 });
});

test('a worker that stays busy after its run is stopped and replaced; the next run says state was lost', async ({ host }) => {
  await createHostile(host);
  expect((await run(host, 'busy-after-run')).status).toBe('ok');
  await expect
    .poll(async () => (await eventsOf(host, 'sandbox-restarted')).map((e) => (e as { message: string }).message), { timeout: 30_000 })
    .toEqual([expect.stringMatching(/stayed busy after its run ended/)]);
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42, stateLost: true });
});

test('a file larger than maxFileBytes is refused by the frame', async ({ host }) => {
  await createHostile(host, { language: 'python', maxFileBytes: 1024 * 1024 });
  const error = await host.evaluate(() => window.sandboxes.h!.fs.readFile('big.bin').then(() => 'read', (e: Error & { errno?: string }) => `${e.name}:${e.errno}`));
  expect(error).toBe('SandboxFileError:EFBIG');
});

for (const micropip of [false, true]) {
  test(`install calls (micropip.install) that are malformed, name a URL or are oversized are refused${micropip ? ' with the micropip option' : ', and all are without it'}; nothing is installed`, async ({ host }) => {
    await createHostile(host, { language: 'python', pypiIndexUrl: '/test/fixtures/wheels/pypi/', micropip });
    const r = await run(host, 'install-calls');
    expect(r.status).toBe('ok');
    const refusal = micropip ? [/^malformed install request/, /^http:\S+: code can install only by requirement/] : [/does not let code install packages/, /does not let code install packages/];
    expect(r.value).toEqual([...refusal.map((re) => expect.stringMatching(re)), expect.stringMatching(/^the install request is larger than 65536 bytes$/)]);
    expect(await eventsOf(host, 'packages-installed')).toEqual([]);
    // Each request that reached the host is audited as refused (the oversized one never did).
    const audited = (await eventsOf(host, 'package-request')) as Array<{ reason: string; allowed: boolean; error: string }>;
    expect(audited.map((e) => [e.reason, e.allowed])).toEqual([['micropip', false], ['micropip', false]]);
  });
}

test('an import list that is not module names (autoInstall) stops the worker: the run ends crashed, nothing is installed, and a fresh engine starts', async ({ host }) => {
  await createHostile(host, { language: 'python', packageIndexUrl: '/test/fixtures/wheels/index/', autoInstall: true });
  expect(await run(host, 'import sbx_alpha')).toMatchObject({ status: 'crashed', stateLost: true, decidedBy: 'host', error: { message: expect.stringMatching(/answered findImports with something malformed/) } });
  expect(await eventsOf(host, 'packages-installed')).toEqual([]);
  await expect.poll(async () => (await eventsOf(host, 'sandbox-ready')).length, { timeout: 30_000 }).toBe(2);
});

test('autoInstall installs only what the code itself names: a forged import list of every package adds nothing, and code without imports asks the worker nothing', async ({ host }) => {
  await createHostile(host, { language: 'python', packageIndexUrl: '/test/fixtures/wheels/index/', autoInstall: true });
  // No import in the code: the worker is not asked (its answer would stop it), the run goes on.
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42 });
  expect(await run(host, 'import sbx_alpha  # forged')).toMatchObject({ status: 'ok', value: 42 });
  const installs = (await eventsOf(host, 'packages-installed')) as Array<{ packages: string[]; reason: string }>;
  expect(installs.map((e) => ({ reason: e.reason, packages: [...e.packages].sort() }))).toEqual([{ reason: 'imports', packages: ['sbx-alpha', 'sbx-beta', 'sbx-gamma'] }]);
  expect(await eventsOf(host, 'package-request')).toEqual([
    expect.objectContaining({ reason: 'imports', requested: ['sbx-alpha'], allowed: true, ok: true, projects: 3, runSeq: 2 }),
  ]);
});

test("a report that arrives past the time limit is a timeout, whatever it says; the engine's own claims are marked as its own", async ({ host }) => {
  await createHostile(host, { language: 'python' });
  const late = await run(host, 'late-ok', { timeoutMs: 400 });
  expect(late).toMatchObject({ status: 'timeout', decidedBy: 'host', stateLost: false, error: { name: 'TimeoutError', message: expect.stringMatching(/400 ms time limit: its engine reported after \d+ ms/) } });
  expect(late).not.toHaveProperty('value');
  expect(await run(host, 'claims-memory')).toMatchObject({ status: 'memory', decidedBy: 'engine' });
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', decidedBy: 'engine', value: 42 });
  const failed = await run(host, 'claims-failed');
  expect(failed).toMatchObject({ status: 'crashed', decidedBy: 'engine', stateLost: true });
  // The lifecycle event carries the host's words; the engine's text only as a short detail.
  const [restart] = (await eventsOf(host, 'sandbox-restarted')) as Array<{ message: string; detail?: string }>;
  expect(restart!.message).toBe('the engine reported that it failed; it was restarted');
  expect(restart!.detail).toMatch(/^forged text /);
  expect(new TextEncoder().encode(restart!.detail).length).toBeLessThanOrEqual(200);
});

test('a folder listing of hundreds of thousands of names is refused by the frame, by count', async ({ host }) => {
  await createHostile(host, { language: 'python' });
  const error = await host.evaluate(() => window.sandboxes.h!.fs.readdir('.').then(() => 'listed', (e: Error & { errno?: string }) => `${e.name}:${e.errno}:${e.message}`));
  expect(error).toMatch(/^SandboxFileError:E2BIG:readdir \.: the folder holds more than 100000 entries/);
  expect(await run(host, 'honest')).toMatchObject({ status: 'ok', value: 42 });
});
