/**
 * The sandboxed frame's only script (inlined into frame.html, pinned by the frame's CSP). It runs
 * in an opaque origin with `sandbox="allow-scripts"`. Its jobs: accept one init message from the
 * parent window, start the worker from the bytes it was handed, and relay interrupts and worker
 * failures. It never runs guest code and never talks to the worker after start-up, except to
 * write the shared interrupt slot.
 */
import {
  isControlToFrame,
  isFrameInit,
  type ControlToHost,
  type FrameInit,
  type WorkerInit,
} from '../shared/protocol.js';

function start(init: FrameInit): void {
  const { control, rpc, files, workerSource } = init;
  const send = (message: ControlToHost) => control.postMessage(message);

  // Shared memory exists only when the host page is cross-origin isolated and delegated that to
  // this frame (allow="cross-origin-isolated"). Without it the host stops runaway code by removing
  // the frame.
  const interrupt = globalThis.crossOriginIsolated ? new SharedArrayBuffer(8) : undefined;
  const slot = interrupt ? new Int32Array(interrupt) : undefined;

  let worker: Worker;
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  try {
    // Classic, not module: module workers do not start in an opaque-origin frame.
    worker = new Worker(url, { name: 'ai-sandbox' });
  } catch (error) {
    send({ type: 'worker-error', message: `could not start the worker: ${String(error)}` });
    return;
  }
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    send({ type: 'worker-error', message: event.message || 'the worker failed to load or crashed' });
  });
  // The guest could post to its parent scope; nothing it says here is ever acted on.
  worker.addEventListener('message', () => {});

  const workerInit: WorkerInit = { type: 'init', files, rpc, interrupt };
  worker.postMessage(workerInit, [...Object.values(files), rpc]);
  // The worker's script is fetched asynchronously; give it time before freeing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);

  control.addEventListener('message', (event) => {
    if (!slot || !isControlToFrame(event.data)) return;
    Atomics.store(slot, 0, event.data.runSeq); // QuickJS's interrupt handler compares this
    Atomics.store(slot, 1, 2); // Pyodide's interrupt buffer: SIGINT
  });
  control.start();
  send({ type: 'frame-ready', sharedInterrupt: slot !== undefined });
}

function onMessage(event: MessageEvent): void {
  // Only the embedding page may start the sandbox, and only once. Origins are "null" here, so the
  // source window is what identifies the sender.
  if (event.source !== window.parent || !isFrameInit(event.data)) return;
  window.removeEventListener('message', onMessage);
  start(event.data);
}

window.addEventListener('message', onMessage);
