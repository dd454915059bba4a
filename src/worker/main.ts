/**
 * The worker's entry point, built as a classic script (module workers do not start in an
 * opaque-origin frame). It waits for the frame's one init message, then serves the worker API
 * over Comlink on the port it was given, and nothing else.
 */
import * as Comlink from 'comlink';
import { isWorkerInit } from '../shared/protocol.js';
import { createWorkerApi } from './worker-api.js';

// The DOM and WebWorker type libraries cannot be combined; the worker only needs these two calls.
const scope = self as unknown as Pick<Window, 'addEventListener' | 'removeEventListener'>;

function onInit(event: MessageEvent): void {
  if (!isWorkerInit(event.data)) return;
  scope.removeEventListener('message', onInit);
  const { wasm, rpc, interrupt } = event.data;
  const api = createWorkerApi(wasm, interrupt && new Int32Array(interrupt), (message) => rpc.postMessage(message));
  Comlink.expose(api, rpc);
}

scope.addEventListener('message', onInit);
