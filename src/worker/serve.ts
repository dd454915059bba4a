/**
 * The part every worker bundle shares: take the channel to the frame (before anything else can),
 * wait for the frame's one init message, then answer the frame's calls. Worker bundles are classic
 * scripts (module workers do not start in an opaque-origin frame).
 */
import { isToWorker, isWorkerInit, type FromWorker, type WorkerMethod } from '../shared/worker-protocol.js';
import type { EngineFactory } from './engine.js';
import { takeFrameChannel } from './frame-channel.js';
import { HostCalls } from './host-calls.js';
import { createWorkerApi, type WorkerApi } from './worker-api.js';

/** What a reply's value hands over without a copy. */
function transferablesOf(value: unknown): Transferable[] {
  if (value instanceof Uint8Array) return [value.buffer as ArrayBuffer];
  const data = (value as { data?: unknown } | null)?.data;
  return data instanceof Uint8Array ? [data.buffer as ArrayBuffer] : [];
}

/** Starts serving once the frame hands over the engine's files. */
export function serveWorker(createEngine: EngineFactory): void {
  const channel = takeFrameChannel();
  const send = (message: FromWorker, transfer?: Transferable[]) => channel.post(message, transfer);
  let api: WorkerApi | undefined;
  let hostCalls: HostCalls | undefined;
  send({ type: 'loaded' });

  channel.listen((data) => {
    if (!api) {
      if (!isWorkerInit(data)) return;
      hostCalls = new HostCalls(send);
      api = createWorkerApi(createEngine, data.files, data.interrupt, send, hostCalls);
      return;
    }
    if (!isToWorker(data)) return;
    switch (data.type) {
      case 'call':
        // Acknowledged at once: a worker that does not is stuck, and the frame stops it.
        send({ type: 'ack', id: data.id });
        void answer(api, data.id, data.method, data.arg);
        return;
      case 'cancel':
        return api.cancel(data.runSeq);
      case 'host-reply':
        return hostCalls!.receive(data);
      case 'ping':
        return send({ type: 'pong', id: data.id });
    }
  });

  async function answer(target: WorkerApi, id: number, method: WorkerMethod, arg: unknown): Promise<void> {
    try {
      const value = await (target[method] as (arg: unknown) => Promise<unknown>)(arg);
      send({ type: 'reply', id, ok: true, value }, transferablesOf(value));
    } catch (error) {
      send({ type: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
