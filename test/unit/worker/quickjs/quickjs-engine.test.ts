/**
 * The QuickJS engine in Node: language semantics, limits and recovery. The browser tests cover
 * the same engine behind the iframe and worker boundary.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { beforeEach, describe, expect, it } from 'vitest';
import { QuickJsEngine } from '../../../../src/worker/quickjs/quickjs-engine.js';
import { startPipeline } from '../../run-pipeline.js';

const require = createRequire(import.meta.url);

/** A fresh engine per test file section: no test depends on another's state. */
async function newEngine(toolNames: string[] = []) {
  const wasm = (await readFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))).buffer as ArrayBuffer;
  return startPipeline((init) => QuickJsEngine.create(init), { 'quickjs.wasm': wasm }, { language: 'javascript', memoryLimitBytes: 64 * 1024 * 1024, toolNames, network: false });
}

let t: Awaited<ReturnType<typeof newEngine>>;
beforeEach(async () => {
  t = await newEngine();
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
    await t.run('var kept = 41');
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
    const runSeq = t.nextSeq();
    t.cancel(runSeq);
    const r = await t.run('await new Promise((r) => setTimeout(r, 5000))', { timeoutMs: 10000 });
    expect(r).toMatchObject({ runSeq, status: 'aborted' });
  });
  it('a cancel during a wait stops the run and keeps state', async () => {
    await t.run('var keep = "yes"');
    const running = t.run('await new Promise((r) => setTimeout(r, 5000))', { timeoutMs: 10000 });
    setTimeout(() => t.cancel(t.currentSeq()), 50);
    expect((await running).status).toBe('aborted');
    expect((await t.run('keep')).value).toBe('yes');
  });
});

describe('the host decides the status', () => {
  it('a guest that throws what an interrupt throws gets an error, not a timeout', async () => {
    const r = await t.run('let C; try { (function f() { f() })() } catch (e) { C = e.constructor } throw new C("interrupted")');
    expect(r.status).toBe('error');
    expect(r.error).toMatchObject({ name: 'InternalError', message: 'interrupted' });
  });
  it('an interrupt that lands while the run is being set up is a timeout, and the engine lives on', async () => {
    const r = await t.run('1', { timeoutMs: 0.001 });
    expect(['ok', 'timeout']).toContain(r.status);
    expect((await t.run('6 * 7')).value).toBe(42);
  });
});

describe('reset', () => {
  it('gives a fresh runtime: globals, changed built-ins and queued jobs are gone', async () => {
    await t.run('globalThis.mine = 1; Array.prototype.forged = true; JSON.stringify = () => "forged"');
    await t.api.reset();
    const r = await t.run('[typeof mine, [].forged, JSON.stringify([1])]');
    expect(r.value).toEqual(['undefined', null, '[1]']);
  });
  it('a host call left unanswered by a timed-out run does not break the next reset', async () => {
    const e = await newEngine(['slow']);
    const r = await e.run('await tools.slow()', { timeoutMs: 100 });
    expect(r.status).toBe('timeout');
    await e.api.reset();
    expect((await e.run('6 * 7')).value).toBe(42);
  });
  it('a host call still open when its runtime is replaced does not break the engine', async () => {
    // Running out of memory with the memory still held makes the engine replace its runtime at
    // the end of the run, while the tool call is still open.
    const e = await newEngine(['slow']);
    const r = await e.run('tools.slow(); const hog = []; while (true) hog.push({ a: [1, 2, 3] })', { timeoutMs: 10_000 });
    expect(r).toMatchObject({ status: 'memory', stateLost: true });
    expect((await e.run('6 * 7')).value).toBe(42);
  });
});

describe('promise-job storms', () => {
  it('a storm that doubles its jobs still ends with a result, never a rejected run', async () => {
    const r = await t.run('const spin = () => { Promise.resolve().then(spin); Promise.resolve().then(spin) }; spin(); await new Promise(() => {})', { timeoutMs: 100 });
    expect(['timeout', 'memory', 'crashed']).toContain(r.status);
    if (r.status !== 'crashed') expect((await t.run('6 * 7')).value).toBe(42);
  }, 60_000);

  it('a storm of jobs that never loops is stopped at its deadline, not when the memory runs out (QuickJS polls its interrupt handler in loops only)', async () => {
    const r = await t.run('const spin = () => { Promise.resolve().then(spin); Promise.resolve().then(spin) }; spin(); await new Promise(() => {})', { timeoutMs: 100, maxValueBytes: 1000 });
    // Before the loop looked at the clock between jobs, the storm ran until the wasm memory was full.
    expect(r.status).toBe('timeout');
    expect(r.report.memoryBytes).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});

describe('caps hold when the guest replaces what describes its values', () => {
  it('a forged JSON.stringify cannot push a value or an error past the caps', async () => {
    const big = await t.run('JSON.stringify = () => "x".repeat(5e6); ({ a: 1 })', { maxValueBytes: 1000 });
    expect(big.report.outcome.kind).toBe('returned');
    expect(JSON.stringify(big.value ?? null).length).toBeLessThanOrEqual(1000);
    const thrown = await t.run('throw { name: "E", message: "m".repeat(5e6) }');
    expect(thrown.status).toBe('error');
    expect(thrown.error!.message.length).toBeLessThanOrEqual(16 * 1024);
  });
});
