// @ts-nocheck -- runs in the bench page, plain JavaScript.
// Measures ai-sandbox and a bare engine in a plain worker side by side, for one language.
import { createSandbox, createSandboxPool } from '/dist/index.js';
import { PROGRAMS } from './programs.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Sends `{ code, timeoutMs }` to a bare worker (or the port that reaches one) and resolves with its one answer. */
const callerOf = (endpoint) => (code, timeoutMs = 30000) =>
  new Promise((resolve) => {
    endpoint.onmessage = (e) => resolve(e.data);
    endpoint.postMessage({ code, timeoutMs });
  });

/** A plain worker that evaluates `{ code, timeoutMs }` and answers once per message. */
function bareWorker(url, options) {
  const worker = new Worker(url, options);
  return { worker, call: callerOf(worker) };
}

/** The bare relay's worker source and wasm bytes, fetched once as the sandbox caches its assets. */
let relayAssets;
/**
 * The floor of the boundary: a sandboxed frame (`allow-scripts`, as ours) that starts bare
 * quickjs-emscripten in a worker (bare-worker.ts, handed its wasm) and passes messages both ways
 * unchecked (bare-relay-frame.html).
 */
async function bareRelay() {
  relayAssets ??= Promise.all([fetch('/bench-dist/bare-worker.js').then((r) => r.text()), fetch('/dist/quickjs.wasm').then((r) => r.arrayBuffer())]);
  const [workerSource, wasm] = await relayAssets;
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  if (globalThis.crossOriginIsolated) frame.setAttribute('credentialless', '');
  frame.style.display = 'none';
  frame.src = '/bench/bare-relay-frame.html';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const { port1, port2 } = new MessageChannel();
  const copy = wasm.slice(0);
  const ready = new Promise((resolve) => (port1.onmessage = resolve));
  frame.contentWindow.postMessage({ workerSource, wasm: copy, port: port2 }, '*', [port2, copy]);
  // A relay that cannot start fails the bench instead of hanging it.
  await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('the bare relay did not start in 20 s')), 20_000))]);
  return { call: callerOf(port1), dispose: () => frame.remove() };
}

const LANGUAGES = {
  javascript: {
    bare: () => bareWorker('/bench-dist/bare-worker.js'),
    fib: 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } fib(27)',
    loop: 'while (true) {}',
    deadline: 100,
    // One long C call that never polls the interrupt handler: only killing the frame stops it.
    uninterruptible: '(3n ** 600000n).toString().length',
    // The bare worker stops its loop with quickjs-emscripten's deadline interrupt handler.
    bareLoop: true,
  },
  python: {
    bare: () => bareWorker('/bench/bare-pyodide-worker.mjs', { type: 'module' }),
    fib: 'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib(27)',
    loop: 'while True: pass',
    deadline: 300,
    uninterruptible: 'sum(range(10 ** 12))',
    bareLoop: false,
  },
};

/** Cold start, warm round trip, CPU-bound run and runaway overruns: medians in ms. */
async function measure(language, { cold, warm, cpu, overrun }) {
  const spec = LANGUAGES[language];
  const ours = {};
  const bare = {};
  const oursCold = [];
  const bareCold = [];
  for (let i = 0; i < cold; i++) {
    let sb;
    oursCold.push(await timed(async () => {
      sb = await createSandbox({ language });
      await sb.run('1 + 1');
    }));
    await sb.dispose();
    let b;
    bareCold.push(await timed(async () => {
      b = spec.bare();
      await b.call('1 + 1');
    }));
    b.worker.terminate();
  }
  ours.coldMs = median(oursCold);
  bare.coldMs = median(bareCold);
  const relay = language === 'javascript' ? {} : undefined;
  if (relay) {
    const relayCold = [];
    const relayWarm = [];
    for (let i = 0; i < cold; i++) {
      let r;
      relayCold.push(await timed(async () => {
        r = await bareRelay();
        await r.call('1 + 1');
      }));
      for (let k = 0; k < Math.min(warm, 50); k++) relayWarm.push(await timed(() => r.call('1 + 1')));
      r.dispose();
    }
    relay.coldMs = median(relayCold);
    relay.warmMs = median(relayWarm);
  }

  const sb = await createSandbox({ language });
  const b = spec.bare();
  await b.call('1');
  await sb.run('1');
  const pairs = async (n, code) => {
    const o = [];
    const x = [];
    for (let i = 0; i < n; i++) {
      o.push(await timed(() => sb.run(code)));
      x.push(await timed(() => b.call(code)));
    }
    return [median(o), median(x)];
  };
  [ours.warmMs, bare.warmMs] = await pairs(warm, '1 + 1');
  [ours.fib27Ms, bare.fib27Ms] = await pairs(cpu, spec.fib);

  const overrunOf = async (n, run) => {
    const xs = [];
    for (let i = 0; i < n; i++) {
      await sb.run('0'); // let a previous restart finish first
      xs.push((await timed(run)) - spec.deadline);
    }
    return median(xs);
  };
  ours.loopOverrunMs = await overrunOf(overrun, () => sb.run(spec.loop, { timeoutMs: spec.deadline }));
  bare.loopOverrunMs = spec.bareLoop ? await overrunOf(overrun, () => b.call(spec.loop, spec.deadline)) : null;
  ours.killOverrunMs = await overrunOf(Math.max(1, Math.floor(overrun / 2)), () => sb.run(spec.uninterruptible, { timeoutMs: spec.deadline }));
  bare.killOverrunMs = null;

  await sb.dispose();
  b.worker.terminate();
  return { ours, bare, ...(relay && { relay }), crossOriginIsolated };
}

/** Time to first result when a warm pool already holds a started sandbox: medians in ms. */
async function measurePool(language, n) {
  const xs = [];
  for (let i = 0; i < n; i++) {
    const pool = createSandboxPool({ language, size: 1 });
    await pool.warm();
    xs.push(await timed(() => pool.run('1 + 1')));
    await pool.dispose();
  }
  return median(xs);
}

/** Engines kept alive for a memory reading taken from outside the browser. */
let held = [];

/** Starts `n` idle engines (ours, or bare workers) and keeps them until {@link releaseIdle}. */
async function holdIdle(language, n, bare) {
  for (let i = 0; i < n; i++) {
    if (bare) {
      const b = LANGUAGES[language].bare();
      await b.call('1');
      held.push(() => b.worker.terminate());
    } else {
      const sb = await createSandbox({ language });
      await sb.run('1');
      held.push(() => sb.dispose());
    }
  }
}

async function releaseIdle() {
  await Promise.all(held.map((stop) => stop()));
  held = [];
}

/**
 * A Python sandbox with `snapshot: true` once the page has its snapshot: the one an earlier start
 * made (a pool's, say), or the one this start makes in the background.
 */
async function pythonWithSnapshot() {
  let done;
  const ready = new Promise((resolve) => (done = resolve));
  const sb = await createSandbox({
    language: 'python',
    snapshot: true,
    onEvent: (e) => (e.type === 'snapshot-made' || (e.type === 'sandbox-ready' && e.fromSnapshot)) && done(),
  });
  await ready;
  return sb;
}

/** Time to first result of a Python sandbox started from the page's memory snapshot: median in ms. */
async function measureSnapshotStart(n) {
  await (await pythonWithSnapshot()).dispose();
  const xs = [];
  for (let i = 0; i < n; i++) {
    let sb;
    xs.push(await timed(async () => {
      sb = await createSandbox({ language: 'python', snapshot: true });
      await sb.run('1 + 1');
    }));
    await sb.dispose();
  }
  return median(xs);
}

/**
 * The 150 programs one after the other in one warm Python sandbox (each program is self-contained,
 * so no reset is needed between them): the total, the cold start on top, and every program's stdout.
 */
async function measureThroughput() {
  let sb;
  const startMs = await timed(async () => {
    sb = await createSandbox({ language: 'python' });
  });
  await sb.run('1');
  const stdout = [];
  const failures = [];
  const runMs = await timed(async () => {
    for (const code of PROGRAMS) {
      const r = await sb.run(code);
      if (r.status !== 'ok') failures.push(r.error?.message);
      stdout.push(r.stdout);
    }
  });
  await sb.dispose();
  return { programs: PROGRAMS.length, startMs, runMs, failures, stdout };
}

/**
 * What `reset()` costs, median in ms: a fresh QuickJS runtime for JavaScript; for Python a fresh
 * interpreter in a fresh frame, from the page's memory snapshot when `snapshot` is set.
 */
async function measureReset(language, n, snapshot) {
  const sb = snapshot ? await pythonWithSnapshot() : await createSandbox({ language });
  const xs = [];
  for (let i = 0; i < n; i++) {
    await sb.run('x = 1');
    xs.push(await timed(() => sb.reset()));
  }
  await sb.dispose();
  return median(xs);
}

window.runBench = measure;
window.runPoolBench = measurePool;
window.holdIdle = holdIdle;
window.releaseIdle = releaseIdle;
window.runSnapshotBench = measureSnapshotStart;
window.runThroughputBench = measureThroughput;
window.runResetBench = measureReset;
window.benchReady = true;
