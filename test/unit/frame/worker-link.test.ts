/**
 * The frame's hold on its worker, in Node with a fake `Worker`: what is held until the worker has
 * loaded, calls and their acknowledgements, the message budget, and the stops. The browser tests
 * (frame-boundary.spec.ts) run the same code against a real hostile worker.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACK_TIMEOUT_MS, PING_INTERVAL_MS, STUCK_AFTER_MS, WorkerEndedError, WorkerLink, type LinkHandlers } from '../../../src/frame/worker-link.js';
import { MESSAGE_BURST } from '../../../src/frame/message-budget.js';
import type { FromWorker } from '../../../src/shared/worker-protocol.js';

/** Stands in for the browser's Worker: records what the frame posts, and lets a test answer. */
class FakeWorker extends EventTarget {
  static last: FakeWorker | undefined;
  readonly posted: unknown[] = [];
  terminated = false;
  constructor(readonly url: string) {
    super();
    FakeWorker.last = this;
  }
  postMessage(message: unknown): void {
    if (!this.terminated) this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The worker says something. */
  say(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  /** What the frame posted, by type. */
  sent(type: string): Array<Record<string, unknown>> {
    return this.posted.filter((m) => (m as { type?: string }).type === type) as Array<Record<string, unknown>>;
  }
}

function open() {
  const seen = { output: [] as unknown[], hostCalls: [] as unknown[], dropped: [] as string[], ended: [] as WorkerEndedError[] };
  const handlers: LinkHandlers = {
    onOutput: (m) => seen.output.push(m),
    onHostCall: (m) => seen.hostCalls.push(m),
    onDropped: (_count, reason) => seen.dropped.push(reason),
    onEnded: (error) => seen.ended.push(error),
  };
  const link = new WorkerLink('/* worker */', { 'quickjs.wasm': new ArrayBuffer(4) }, undefined, handlers);
  const worker = FakeWorker.last!;
  return { link, worker, seen };
}

/** Answers call `id` as an honest worker does: acknowledged, then replied to. */
function answer(worker: FakeWorker, id: number, value: unknown): void {
  worker.say({ type: 'ack', id } satisfies FromWorker);
  worker.say({ type: 'reply', id, ok: true, value } satisfies FromWorker);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('Worker', FakeWorker);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('WorkerLink', () => {
  it('holds everything until the worker says it has loaded, then posts it in order, init first', async () => {
    const { link, worker } = open();
    const call = link.call('start', { language: 'javascript', memoryLimitBytes: 1, toolNames: [], network: false });
    link.send({ type: 'cancel', runSeq: 1 });
    expect(worker.posted).toEqual([]);
    worker.say({ type: 'loaded' });
    expect(worker.posted.map((m) => (m as { type: string }).type)).toEqual(['init', 'call', 'cancel']);
    answer(worker, 1, { fromSnapshot: false });
    await expect(call).resolves.toEqual({ fromSnapshot: false });
  });

  it('rejects a call the worker answers with an error, with the text cut', async () => {
    const { link, worker } = open();
    worker.say({ type: 'loaded' });
    const call = link.call('reset', undefined);
    worker.say({ type: 'ack', id: 1 });
    worker.say({ type: 'reply', id: 1, ok: false, error: 'x'.repeat(10_000) });
    await expect(call).rejects.toThrow(/^x{2000}$/);
  });

  it('drops what it cannot read, replies to no call and a second loaded, without acting on them', () => {
    const { worker, seen } = open();
    worker.say({ type: 'loaded' });
    worker.say({ type: 'loaded' });
    worker.say({ type: 'reply', id: 99, ok: true, value: 1 });
    worker.say({ type: 'ack', id: 99 });
    worker.say('not an object');
    worker.say({ type: 'output', runSeq: 1, stream: 'stdout', text: 'hi' });
    expect(seen.output).toHaveLength(1);
    // The first drop is reported at once; the rest of the window as one summary.
    vi.advanceTimersByTime(1000);
    expect(seen.dropped.join(' | ')).toMatch(/a second loaded/);
    expect(seen.ended).toEqual([]);
    expect(worker.terminated).toBe(false);
  });

  it('stops a worker that does not acknowledge a call in time, and rejects the call with why', async () => {
    const { link, worker, seen } = open();
    worker.say({ type: 'loaded' });
    // The first call may wait for the worker's script; later ones are acknowledged at once.
    const start = link.call('start', { language: 'javascript', memoryLimitBytes: 1, toolNames: [], network: false });
    answer(worker, 1, { fromSnapshot: false });
    await start;
    const call = link.call('run', { runSeq: 1, code: '', timeoutMs: 1, maxOutputBytes: 1, maxValueBytes: 1 });
    const rejected = expect(call).rejects.toThrow(/did not take the run call/);
    vi.advanceTimersByTime(ACK_TIMEOUT_MS + 1);
    await rejected;
    expect(worker.terminated).toBe(true);
    expect(seen.ended).toHaveLength(1);
    expect(link.alive).toBe(false);
    // Calls after the end reject at once, with the same reason.
    await expect(link.call('reset', undefined)).rejects.toBe(seen.ended[0]);
  });

  it('stops a flood by its rate, naming the messages limit', () => {
    const { worker, seen } = open();
    worker.say({ type: 'loaded' });
    for (let i = 0; i <= MESSAGE_BURST + 1 && !worker.terminated; i++) worker.say({ type: 'output', runSeq: 1, stream: 'stdout', text: 'x' });
    expect(worker.terminated).toBe(true);
    expect(seen.ended.map((e) => e.limit)).toEqual(['messages']);
  });

  it("does not count replies to the frame's own calls against the worker's budget", async () => {
    const { link, worker, seen } = open();
    worker.say({ type: 'loaded' });
    // A walk over thousands of folders: each listing is the frame's call, answered at once.
    for (let id = 1; id <= MESSAGE_BURST * 2; id++) {
      const call = link.call('fs', { op: 'readdir', path: '/' });
      answer(worker, id, { ok: true, data: [] });
      await call;
    }
    expect(seen.ended).toEqual([]);
    expect(worker.terminated).toBe(false);
  });

  it('caps the messages of one run, whatever their pace', () => {
    const { link, worker, seen } = open();
    worker.say({ type: 'loaded' });
    link.runMessagesLeft = 3;
    for (let i = 0; i < 4; i++) worker.say({ type: 'output', runSeq: 1, stream: 'stdout', text: 'x' });
    expect(seen.output).toHaveLength(3);
    expect(seen.ended.map((e) => e.limit)).toEqual(['messages']);
  });

  it('checks between calls that the worker answers, and stops one that stays busy', async () => {
    const { link, worker, seen } = open();
    worker.say({ type: 'loaded' });
    const call = link.call('reset', undefined);
    answer(worker, 1, undefined);
    await call;
    vi.advanceTimersByTime(PING_INTERVAL_MS + 1);
    const ping = worker.sent('ping')[0];
    expect(ping).toBeDefined();
    // An idle worker answers, and is left alone.
    worker.say({ type: 'pong', id: ping!.id });
    vi.advanceTimersByTime(PING_INTERVAL_MS * 2);
    expect(worker.terminated).toBe(false);
    // A busy one does not, and is stopped.
    vi.advanceTimersByTime(STUCK_AFTER_MS + PING_INTERVAL_MS * 2);
    expect(worker.terminated).toBe(true);
    expect(seen.ended[0]?.message).toMatch(/stayed busy after its run ended/);
  });

  it('end() terminates the worker, rejects pending calls, and reports once', async () => {
    const { link, worker, seen } = open();
    worker.say({ type: 'loaded' });
    const call = link.call('reset', undefined);
    const error = new WorkerEndedError('stopped by the test');
    link.end(error);
    link.end(new WorkerEndedError('again'));
    await expect(call).rejects.toBe(error);
    expect(worker.terminated).toBe(true);
    expect(seen.ended).toEqual([error]);
  });
});
