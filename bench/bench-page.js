// @ts-nocheck -- runs in the bench page, plain JavaScript.
// Runs in the bench page: measures ai-sandbox and the bare baseline side by side.
import { createSandbox } from '/dist/index.js';

const FIB = 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } fib(27)';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function bareWorker() {
  const worker = new Worker('/bench-dist/bare-worker.js');
  const call = (code, timeoutMs = 30000) =>
    new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage({ code, timeoutMs });
    });
  return { worker, call };
}

async function measure({ cold, warm, cpu, overrun }) {
  const ours = {};
  const bare = {};

  // Cold start: create → first result.
  const oursCold = [];
  const bareCold = [];
  for (let i = 0; i < cold; i++) {
    let sb;
    oursCold.push(await timed(async () => {
      sb = await createSandbox({ language: 'javascript' });
      await sb.run('1 + 1');
    }));
    await sb.dispose();
    let b;
    bareCold.push(await timed(async () => {
      b = bareWorker();
      await b.call('1 + 1');
    }));
    b.worker.terminate();
  }
  ours.coldMs = median(oursCold);
  bare.coldMs = median(bareCold);

  const sb = await createSandbox({ language: 'javascript' });
  const b = bareWorker();
  await b.call('1');
  await sb.run('1');

  const oursWarm = [];
  const bareWarm = [];
  for (let i = 0; i < warm; i++) {
    oursWarm.push(await timed(() => sb.run('1 + 1')));
    bareWarm.push(await timed(() => b.call('1 + 1')));
  }
  ours.warmMs = median(oursWarm);
  bare.warmMs = median(bareWarm);

  const oursCpu = [];
  const bareCpu = [];
  for (let i = 0; i < cpu; i++) {
    oursCpu.push(await timed(() => sb.run(FIB)));
    bareCpu.push(await timed(() => b.call(FIB)));
  }
  ours.fib27Ms = median(oursCpu);
  bare.fib27Ms = median(bareCpu);

  // How long after its deadline a runaway loop comes back.
  const deadline = 100;
  const oursOver = [];
  const bareOver = [];
  for (let i = 0; i < overrun; i++) {
    oursOver.push((await timed(() => sb.run('while (true) {}', { timeoutMs: deadline }))) - deadline);
    bareOver.push((await timed(() => b.call('while (true) {}', deadline))) - deadline);
  }
  ours.loopOverrunMs = median(oursOver);
  bare.loopOverrunMs = median(bareOver);

  // Code that never polls the interrupt handler: only killing the frame stops it (bare: nothing does).
  const killOver = [];
  for (let i = 0; i < Math.max(1, Math.floor(overrun / 2)); i++) {
    await sb.run('0'); // let the previous kill's restart finish first
    killOver.push((await timed(() => sb.run('(3n ** 600000n).toString().length', { timeoutMs: deadline }))) - deadline);
  }
  ours.killOverrunMs = median(killOver);
  bare.killOverrunMs = null;

  await sb.dispose();
  b.worker.terminate();
  return { ours, bare, crossOriginIsolated };
}

const PY_FIB = 'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib(27)';

function barePyodide() {
  const worker = new Worker('/bench/bare-pyodide-worker.mjs', { type: 'module' });
  const call = (code) =>
    new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage({ code });
    });
  return { worker, call };
}

async function measurePython({ cold, warm, cpu, overrun }) {
  const ours = {};
  const bare = {};
  const oursCold = [];
  const bareCold = [];
  for (let i = 0; i < cold; i++) {
    let sb;
    oursCold.push(await timed(async () => {
      sb = await createSandbox({ language: 'python' });
      await sb.run('1 + 1');
    }));
    await sb.dispose();
    let b;
    bareCold.push(await timed(async () => {
      b = barePyodide();
      await b.call('1 + 1');
    }));
    b.worker.terminate();
  }
  ours.coldMs = median(oursCold);
  bare.coldMs = median(bareCold);

  const sb = await createSandbox({ language: 'python' });
  const b = barePyodide();
  await b.call('1');
  await sb.run('1');
  const oursWarm = [];
  const bareWarm = [];
  for (let i = 0; i < warm; i++) {
    oursWarm.push(await timed(() => sb.run('1 + 1')));
    bareWarm.push(await timed(() => b.call('1 + 1')));
  }
  ours.warmMs = median(oursWarm);
  bare.warmMs = median(bareWarm);
  const oursCpu = [];
  const bareCpu = [];
  for (let i = 0; i < cpu; i++) {
    oursCpu.push(await timed(() => sb.run(PY_FIB)));
    bareCpu.push(await timed(() => b.call(PY_FIB)));
  }
  ours.fib27Ms = median(oursCpu);
  bare.fib27Ms = median(bareCpu);

  // A runaway loop: interrupted when cross-origin isolated; otherwise the frame is replaced.
  const deadline = 300;
  const over = [];
  for (let i = 0; i < overrun; i++) {
    await sb.run('0'); // let a previous restart finish first
    over.push((await timed(() => sb.run('while True: pass', { timeoutMs: deadline }))) - deadline);
  }
  ours.loopOverrunMs = median(over);
  bare.loopOverrunMs = null;
  await sb.dispose();
  b.worker.terminate();
  return { ours, bare, crossOriginIsolated };
}

window.runBench = measure;
window.runPythonBench = measurePython;
window.benchReady = true;
