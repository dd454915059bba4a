/**
 * The QuickJS engine in Node: language semantics, limits and recovery. The browser tests cover
 * the same engine behind the iframe and worker boundary.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRequest, WorkerRunResult } from '../../src/shared/protocol.js';
import { createWorkerApi } from '../../src/worker/worker-api.js';
import { QuickJsEngine } from '../../src/worker/quickjs/quickjs-engine.js';
import { HostCalls } from '../../src/worker/host-calls.js';

const require = createRequire(import.meta.url);
let seq = 0;

async function newApi(memoryLimitBytes = 64 * 1024 * 1024) {
  const wasm = (await readFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))).buffer as ArrayBuffer;
  const chunks: string[] = [];
  const api = createWorkerApi((init) => QuickJsEngine.create(init), { 'quickjs.wasm': wasm }, undefined, (m) => chunks.push(`${m.stream}:${m.text}`), new HostCalls(() => {}));
  await api.start({ language: 'javascript', memoryLimitBytes, toolNames: [], network: false });
  const run = (code: string, over: Partial<RunRequest> = {}): Promise<WorkerRunResult> =>
    api.run({ runSeq: ++seq, code, timeoutMs: 2000, maxOutputBytes: 1 << 20, maxValueBytes: 1 << 20, ...over });
  return { api, run, chunks };
}

let t: Awaited<ReturnType<typeof newApi>>;
beforeAll(async () => {
  t = await newApi();
});

describe('values', () => {
  it('returns the last expression as plain data and REPL text', async () => {
    const r = await t.run('const xs = [1, 2, 3]; xs.map((x) => x * 2)');
    expect(r).toMatchObject({ status: 'ok', value: [2, 4, 6], text: '[ 2, 4, 6 ]' });
  });
  it('keeps globals across runs', async () => {
    await t.run('var kept = 41; let lex = 1');
    expect((await t.run('kept + lex')).value).toBe(42);
  });
  it('supports top-level await', async () => {
    const r = await t.run('const v = await new Promise((r) => setTimeout(() => r(7), 20)); v * 6');
    expect(r).toMatchObject({ status: 'ok', value: 42 });
  });
  it('leaves undefined absent', async () => {
    const r = await t.run('undefined');
    expect(r.status).toBe('ok');
    expect('value' in r).toBe(false);
    expect('text' in r).toBe(false);
  });
});

describe('console', () => {
  it('formats like Node and splits streams', async () => {
    const r = await t.run('console.log({a: 1}, [1, 2]); console.error("bad", 3); console.info("%s=%d", "x", 5)');
    expect(r.stdout).toBe('{ a: 1 } [ 1, 2 ]\nx=5\n');
    expect(r.stderr).toBe('bad 3\n');
  });
});

describe('errors', () => {
  it('reports the class, message and line', async () => {
    const r = await t.run('const a = 1;\nfunction f() { null.x }\nf()');
    expect(r.status).toBe('error');
    expect(r.error).toMatchObject({ name: 'TypeError', line: 2 });
    expect(r.error?.message).toMatch(/null/);
  });
  it('reports syntax errors', async () => {
    const r = await t.run('let = ;');
    expect(r).toMatchObject({ status: 'error', error: { name: 'SyntaxError' } });
  });
});

describe('limits', () => {
  it('stops an infinite loop at the deadline and keeps the engine', async () => {
    const started = performance.now();
    const r = await t.run('while (true) {}', { timeoutMs: 100 });
    expect(r.status).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1500);
    expect((await t.run('kept')).value).toBe(41);
  });
  it('stops a promise-job loop', async () => {
    const r = await t.run('for (;;) await 0', { timeoutMs: 100 });
    expect(r.status).toBe('timeout');
    expect((await t.run('1 + 1')).value).toBe(2);
  });
  it('ends a memory bomb with status memory', async () => {
    const r = await t.run('const hog = []; while (true) hog.push({ a: [1, 2, 3] })', { timeoutMs: 10000 });
    expect(r.status).toBe('memory');
    expect((await t.run('1 + 1')).value).toBe(2);
  });
  it('turns unbounded recursion into an error', async () => {
    const r = await t.run('function down(n) { return down(n + 1) + 1 } down(0)');
    expect(r.status).toBe('error');
    expect(r.error?.message).toMatch(/stack overflow/);
    expect((await t.run('1 + 1')).value).toBe(2);
  });
  it('caps output', async () => {
    // 20 000 lines (~200 kB) is far past the cap; the deadline is generous because the loop took
    // 1.5–2 s of a 2 s limit on a loaded CI machine, and how long it takes is not what this tests.
    const r = await t.run('for (let i = 0; i < 20000; i++) console.log("line " + i)', { maxOutputBytes: 1000, timeoutMs: 15_000 });
    expect(r.status).toBe('ok');
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(1000);
  });
});



describe('cancel', () => {
  it('a cancel that arrives before its run starts still stops that run', async () => {
    const runSeq = seq + 1;
    t.api.cancel(runSeq);
    const r = await t.run('await new Promise((r) => setTimeout(r, 5000))', { timeoutMs: 10000 });
    expect(r).toMatchObject({ runSeq, status: 'aborted' });
  });
  it('a cancel during a wait stops the run and keeps state', async () => {
    await t.run('var keep = "yes"');
    const running = t.run('await new Promise((r) => setTimeout(r, 5000))', { timeoutMs: 10000 });
    setTimeout(() => t.api.cancel(seq), 50);
    expect((await running).status).toBe('aborted');
    expect((await t.run('keep')).value).toBe('yes');
  });
});

describe('recovery', () => {
  it('a runtime that cannot be freed cleanly is replaced by a fresh wasm instance', async () => {
    const wasm = (await readFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))).buffer as ArrayBuffer;
    let engine!: QuickJsEngine;
    const api = createWorkerApi(async (init) => (engine = await QuickJsEngine.create(init)), { 'quickjs.wasm': wasm }, undefined, () => {}, new HostCalls(() => {}));
    await api.start({ language: 'javascript', memoryLimitBytes: 64 * 1024 * 1024, toolNames: [], network: false });
    const run = (code: string) => api.run({ runSeq: ++seq, code, timeoutMs: 2000, maxOutputBytes: 1 << 20, maxValueBytes: 1 << 20 });
    await run('globalThis.before = 1');
    // The engine's internals: a reference nobody frees makes QuickJS's JS_FreeRuntime abort the
    // whole wasm instance (it asserts that no object is left), as after some interrupted job loops.
    const inner = engine as unknown as { realm: { ctx: { newObject(): unknown } }; wasmMemory: WebAssembly.Memory; replaceRuntime(): Promise<void> };
    inner.realm.ctx.newObject();
    const memoryBefore = inner.wasmMemory;
    await inner.replaceRuntime();
    expect(inner.wasmMemory).not.toBe(memoryBefore);
    expect((await run('typeof before')).value).toBe('undefined');
    expect((await run('6 * 7')).value).toBe(42);
  });
});
