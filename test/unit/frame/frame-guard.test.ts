/**
 * The frame's checks on what a worker says, as pure logic. The browser tests
 * (frame-boundary.spec.ts) run the same code against a hostile worker.
 */
import { describe, expect, it, vi } from 'vitest';
import { DropReporter, MessageBudget } from '../../../src/frame/message-budget.js';
import { RunGuard } from '../../../src/frame/run-guard.js';
import type { FrameEvent, RunRequest, SessionLimits } from '../../../src/shared/protocol.js';

const limits: SessionLimits = { maxHostCalls: 2, maxToolArgumentBytes: 10, maxRequestBytes: 20, maxFileBytes: 100 };
const request: RunRequest = { runSeq: 3, code: '', timeoutMs: 1000, maxOutputBytes: 8, maxValueBytes: 30 };

function guard() {
  const events: FrameEvent[] = [];
  return { guard: new RunGuard(request, limits, (e) => events.push(e)), events };
}

describe('RunGuard', () => {
  it('lets output through up to the cap in UTF-8 bytes, then cuts and says so', () => {
    const { guard: g, events } = guard();
    g.write('stdout', 'ééé');
    g.write('stdout', 'abcdef');
    g.write('stderr', 'x');
    const report = g.report({ outcome: { kind: 'returned' }, outputs: [] });
    expect(report.limitsHit).toEqual(['output']);
    const sent = (stream: string) => events.map((e) => (e.type === 'output' && e.stream === stream ? e.text : '')).join('');
    expect([sent('stdout'), sent('stderr')]).toEqual(['éééab', 'x']);
  });

  it('keeps the order of the two streams, and sends all the output before the report is built', () => {
    const { guard: g, events } = guard();
    g.write('stdout', 'a');
    g.write('stderr', 'b');
    g.write('stdout', 'c');
    // The first chunk goes at once; what follows within 25 ms waits, coalesced.
    expect(events.map((e) => (e.type === 'output' ? `${e.stream}:${e.text}` : e.type))).toEqual(['stdout:a']);
    const report = g.report({ outcome: { kind: 'returned' }, outputs: [] });
    expect(events.map((e) => (e.type === 'output' ? `${e.stream}:${e.text}` : e.type))).toEqual(['stdout:a', 'stderr:b', 'stdout:c']);
    expect(Object.keys(report).sort()).toEqual(['limitsHit', 'outcome', 'outputs', 'runSeq']);
  });

  it('coalesces a stream of chunks into few events', () => {
    const events: FrameEvent[] = [];
    const g = new RunGuard({ ...request, maxOutputBytes: 1 << 20 }, limits, (e) => events.push(e));
    for (let i = 0; i < 5000; i++) g.write('stdout', 'line\n');
    g.report({ outcome: { kind: 'returned' }, outputs: [] });
    expect(events.length).toBeLessThan(5);
  });

  it('admits host calls within the count and size caps, and refuses the rest with a reason', () => {
    const { guard: g } = guard();
    const call = (callId: number, kind: 'tool' | 'fetch', args: string) => g.admitHostCall({ callId, runSeq: 3, kind, name: 't', args });
    expect(call(1, 'tool', '{"a":1}')).toBeNull();
    expect(call(2, 'tool', 'x'.repeat(11))).toMatch(/larger than 10 bytes/);
    expect(call(3, 'fetch', 'x'.repeat(15))).toBeNull();
    expect(call(4, 'tool', '{}')).toMatch(/more than 2 tool calls/);
    expect([...g.openCalls]).toEqual([1, 3]);
    expect(g.report({ outcome: { kind: 'returned' }, outputs: [] }).limitsHit).toEqual(['host-calls']);
  });

  it('caps values, texts, errors and rich outputs whatever the worker sends', () => {
    const { guard: g } = guard();
    const value = g.report({ outcome: { kind: 'returned', valueJson: JSON.stringify('v'.repeat(100)), text: 't'.repeat(100) }, outputs: [] });
    expect(value.outcome).toEqual({ kind: 'returned', text: 't'.repeat(30) });
    expect(value.limitsHit).toEqual(['value']);
    const error = guard().guard.report({ outcome: { kind: 'threw', error: { name: 'N'.repeat(500), message: 'm'.repeat(1e6) } }, outputs: [] });
    expect(error.outcome.kind === 'threw' && [error.outcome.error.name.length, error.outcome.error.message.length]).toEqual([200, 16 * 1024]);
    const outputs = guard().guard.report({ outcome: { kind: 'returned' }, outputs: [{ mime: 'text/plain', data: 'a'.repeat(10) }, { mime: 'text/plain', data: 'b'.repeat(20) }] });
    expect(outputs.outputs).toEqual([{ mime: 'text/plain', data: 'a'.repeat(10) }]);
  });

  it('refuses a result that is not one', () => {
    for (const reply of [null, 'ok', { outcome: { kind: 'returned', valueJson: new Map() }, outputs: [] }, { outcome: { kind: 'returned' }, outputs: 'none' }, { outcome: { kind: 'threw' }, outputs: [] }]) {
      expect(() => guard().guard.report(reply)).toThrow();
    }
  });

  it('reports a worker that ended as failed, with the limit that ended it, after its output', () => {
    const { guard: g, events } = guard();
    g.write('stdout', 'partial');
    expect(g.failed('flood', 'messages')).toMatchObject({ outcome: { kind: 'failed', error: { name: 'BridgeError', message: 'flood' } }, limitsHit: ['messages'], workerEnded: true });
    expect(events).toMatchObject([{ type: 'output', text: 'partial' }]);
    expect(guard().guard.failed('it died')).toMatchObject({ outcome: { error: { name: 'CrashError' } } });
    expect(guard().guard.failed('bad answer', undefined, 'bridge')).toMatchObject({ outcome: { error: { name: 'BridgeError' } } });
  });
});

describe('MessageBudget and DropReporter', () => {
  it('allows a burst, then the rate, then refuses', () => {
    let now = 0;
    const budget = new MessageBudget(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    now += 500;
    for (let i = 0; i < 5; i++) expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
  });

  it('turns a stream of drops into a first report and one summary per window', () => {
    vi.useFakeTimers();
    const reports: Array<[number, string]> = [];
    const drops = new DropReporter((count, reason) => reports.push([count, reason]), 250);
    for (let i = 0; i < 1000; i++) drops.drop(i === 0 ? 'a string' : 'other');
    vi.advanceTimersByTime(300);
    expect(reports).toEqual([
      [1, 'a string'],
      [999, 'other'],
    ]);
    drops.dispose();
    vi.useRealTimers();
  });
});
