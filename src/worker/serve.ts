/**
 * The part every worker bundle shares: wait for the frame's one init message, then serve the
 * worker API over Comlink on the port it brought, and nothing else. Worker bundles are classic
 * scripts (module workers do not start in an opaque-origin frame).
 */
import * as Comlink from 'comlink';
import { isWorkerInit } from '../shared/protocol.js';
import type { EngineFactory } from './engine.js';
import { HostCalls } from './host-calls.js';
import { createWorkerApi } from './worker-api.js';

// The DOM and WebWorker type libraries cannot be combined; the worker only needs these two calls.
const scope = self as unknown as Pick<Window, 'addEventListener' | 'removeEventListener'>;

/** Starts serving once the frame hands over the port and the engine's files. */
export function serveWorker(createEngine: EngineFactory): void {
  const onInit = (event: MessageEvent) => {
    if (!isWorkerInit(event.data)) return;
    scope.removeEventListener('message', onInit);
    const { files, rpc, interrupt } = event.data;
    const tools = new HostCalls((message) => rpc.postMessage(message));
    // Tool replies share the port with Comlink, which ignores message types it does not know.
    rpc.addEventListener('message', (e) => tools.receive(e.data));
    Comlink.expose(createWorkerApi(createEngine, files, interrupt, (message) => rpc.postMessage(message), tools), rpc);
  };
  scope.addEventListener('message', onInit);
}
