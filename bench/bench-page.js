// @ts-nocheck -- runs in the bench page, plain JavaScript.
// Measures ai-sandbox and a bare engine in a plain worker side by side, for one language.
import { createSandbox } from '/dist/index.js';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** A plain worker that evaluates `{ code, timeoutMs }` and answers once per message. */
function bareWorker(url, options) {
  const worker = new Worker(url, options);
  const call = (code, timeoutMs = 30000) =>
    new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage({ code, timeoutMs });
    });
  return { worker, call };
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
  return { ours, bare, crossOriginIsolated };
}

window.runBench = measure;
window.benchReady = true;
