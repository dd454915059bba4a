/**
 * The worker's serve loop in Node, with a fake worker scope and a fake engine: it takes the
 * channel and removes the ways out before anything else, waits for the one init, acknowledges
 * every call before answering it, and answers checks while idle.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine, EngineFactory, EngineInit } from '../../../src/worker/engine.js';
import { serveWorker } from '../../../src/worker/serve.js';
import type { FromWorker, ToWorker, WorkerInit } from '../../../src/shared/worker-protocol.js';

/** The worker's global scope as the serve loop uses it: postMessage out, message events in. */
function fakeScope() {
  const sent: FromWorker[] = [];
  const scope = new EventTarget();
  vi.stubGlobal('postMessage', (message: FromWorker) => sent.push(message));
  vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
  vi.stubGlobal('close', () => {});
  const frameSays = (data: ToWorker | WorkerInit | unknown) => scope.dispatchEvent(new MessageEvent('message', { data }));
  /** Lets the loop's promises settle. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { sent, frameSays, settle };
}

/** An engine that returns what it is told, or throws, and records how it was started. */
function fakeEngine(behaviour: { throwOnRun?: string } = {}) {
  const started: EngineInit[] = [];
  const factory: EngineFactory = async (init) => {
    started.push(init);
    const engine: Engine = {
      async run(request, context) {
        if (behaviour.throwOnRun) throw new Error(behaviour.throwOnRun);
        context.output.write('stdout', `ran ${request.code}`);
        return { outcome: { kind: 'returned', valueJson: '2', text: '2' } };
      },
      async reset() {},
      memoryBytes: () => 1024,
      dispose() {},
    };
    return engine;
  };
  return { factory, started };
}

const INIT: WorkerInit = { type: 'init', files: { 'quickjs.wasm': new ArrayBuffer(4) }, interrupt: undefined };
const CONFIG = { language: 'javascript', memoryLimitBytes: 1 << 20, toolNames: [], network: false } as const;

beforeEach(() => vi.stubGlobal('BroadcastChannel', class {}));
afterEach(() => vi.unstubAllGlobals());

describe('serveWorker', () => {
  it('says it has loaded, removes the channel and the ways out from the scope, and ignores everything before init', async () => {
    const { sent, frameSays, settle } = fakeScope();
    const { factory, started } = fakeEngine();
    serveWorker(factory);
    expect(sent).toEqual([{ type: 'loaded' }]);
    expect('postMessage' in globalThis).toBe(false);
    expect('BroadcastChannel' in globalThis).toBe(false);
    frameSays({ type: 'call', id: 1, method: 'start', arg: CONFIG });
    frameSays({ type: 'ping', id: 2 });
    await settle();
    expect(sent).toEqual([{ type: 'loaded' }]);
    expect(started).toEqual([]);
  });

  it('acknowledges each call before it answers, starts the engine on the files of init, and answers checks', async () => {
    const { sent, frameSays, settle } = fakeScope();
    const { factory, started } = fakeEngine();
    serveWorker(factory);
    frameSays(INIT);
    frameSays({ type: 'call', id: 1, method: 'start', arg: CONFIG });
    await settle();
    expect(started[0]?.files).toBe(INIT.files);
    frameSays({ type: 'call', id: 2, method: 'run', arg: { runSeq: 1, code: '1 + 1', timeoutMs: 1000, maxOutputBytes: 100, maxValueBytes: 100 } });
    frameSays({ type: 'ping', id: 3 });
    await settle();
    const types = sent.map((m) => `${m.type}${'id' in m ? m.id : ''}`);
    // The start's warm-up run went through the same path; its reply comes after its ack.
    expect(types.indexOf('ack1')).toBeLessThan(types.indexOf('reply1'));
    // The run's call is acknowledged before anything of the run; its output comes before its reply.
    const afterRun = types.slice(types.indexOf('ack2'));
    expect(afterRun[0]).toBe('ack2');
    expect(afterRun.at(-1)).toBe('reply2');
    expect([...afterRun].sort()).toEqual(['ack2', 'output', 'pong3', 'reply2']);
    const reply = sent.find((m) => m.type === 'reply' && m.id === 2) as Extract<FromWorker, { type: 'reply'; ok: true }>;
    expect(reply.value).toMatchObject({ outcome: { kind: 'returned', valueJson: '2' }, memoryBytes: 1024 });
    expect(sent.find((m) => m.type === 'output' && m.runSeq === 1)).toMatchObject({ stream: 'stdout', text: 'ran 1 + 1' });
  });

  it('turns an engine that throws during a run into a failed outcome, and a method that throws into an error reply', async () => {
    const { sent, frameSays, settle } = fakeScope();
    const { factory } = fakeEngine({ throwOnRun: 'the engine broke' });
    serveWorker(factory);
    frameSays(INIT);
    // Starting runs the warm-up, which throws too: the start still answers (the run's outcome says it failed).
    frameSays({ type: 'call', id: 1, method: 'start', arg: CONFIG });
    await settle();
    frameSays({ type: 'call', id: 2, method: 'run', arg: { runSeq: 1, code: 'x', timeoutMs: 1000, maxOutputBytes: 100, maxValueBytes: 100 } });
    frameSays({ type: 'call', id: 3, method: 'start', arg: CONFIG });
    await settle();
    const reply = (id: number) => sent.find((m) => m.type === 'reply' && m.id === id);
    expect(reply(2)).toMatchObject({ ok: true, value: { outcome: { kind: 'failed', error: { name: 'EngineError', message: 'the engine broke' } } } });
    expect(reply(3)).toMatchObject({ ok: false, error: 'the engine was already started' });
  });

  it('drops messages that are not the protocol, and still answers the next call', async () => {
    const { sent, frameSays, settle } = fakeScope();
    serveWorker(fakeEngine().factory);
    frameSays(INIT);
    frameSays({ type: 'call', id: 1, method: 'constructor', arg: null });
    frameSays({ type: 'nonsense' });
    frameSays(null);
    frameSays({ type: 'ping', id: 5 });
    await settle();
    expect(sent.slice(1)).toEqual([{ type: 'pong', id: 5 }]);
  });
});
