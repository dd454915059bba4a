/**
 * The sandboxed frame's only script (inlined into frame.htm, pinned by the frame's CSP). It runs
 * in an opaque origin with `sandbox="allow-scripts"`, and never runs guest code. Its job: accept one
 * init message from the parent window, start the worker from the bytes it was handed, and stand
 * between the two: the worker talks only to this frame, which checks and caps everything it says
 * (see sandbox-frame.ts) before anything reaches the host.
 */
import * as Comlink from 'comlink';
import { isFrameInit, type FrameApi, type FrameEvent, type FrameInit } from '../shared/protocol.js';
import { SandboxFrame } from './sandbox-frame.js';

function start(init: FrameInit): void {
  const { events, rpc, files, workerSource } = init;
  const emit = (event: FrameEvent) => events.postMessage(event);
  let frame: SandboxFrame;
  try {
    frame = new SandboxFrame(workerSource, files, emit);
  } catch (error) {
    emit({ type: 'worker-ended', message: `could not start the worker: ${String(error)}` });
    return;
  }
  // Exactly the API, nothing else of the frame; the host is the only holder of the port's other end.
  const api: FrameApi = {
    start: (config) => frame.start(config),
    takeSnapshot: () => frame.takeSnapshot(),
    run: (request) => frame.run(request),
    cancel: (runSeq) => frame.cancel(runSeq),
    interrupt: (runSeq) => frame.interrupt(runSeq),
    answer: (reply) => frame.answer(reply),
    reset: () => frame.reset(),
    fs: (request) => frame.fs(request),
    installPackages: (request) => frame.installPackages(request),
    findImports: (code) => frame.findImports(code),
  };
  Comlink.expose(api, rpc);
  emit({ type: 'frame-ready', sharedInterrupt: frame.sharedInterrupt });
}

function onMessage(event: MessageEvent): void {
  // Only the embedding page may start the sandbox, and only once. Origins are "null" here, so the
  // source window is what identifies the sender.
  if (event.source !== window.parent || !isFrameInit(event.data)) return;
  window.removeEventListener('message', onMessage);
  start(event.data);
}

window.addEventListener('message', onMessage);
