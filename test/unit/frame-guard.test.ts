/**
 * The frame's checks on what a worker says, and the host's status decision, as pure logic. The
 * browser tests (frame-boundary.spec.ts) run the same code against a hostile worker.
 */
import { describe, expect, it, vi } from 'vitest';
import { DropReporter, MessageBudget } from '../../src/frame/message-budget.js';
import { RunGuard } from '../../src/frame/run-guard.js';
import { LATE_REPORT_SLACK_MS, restartDetail, statusOf } from '../../src/host/run-status.js';
import type { FrameEvent, RunRequest, SessionLimits } from '../../src/shared/protocol.js';
import { definedMemories } from '../../src/worker/python/wasm-memories.js';
import { homeParts } from '../../src/worker/python/guest-fs.js';

const limits: SessionLimits = { maxHostCalls: 2, maxToolArgumentBytes: 10, maxRequestBytes: 20, maxFileBytes: 100 };
const request: RunRequest = { runSeq: 3, code: '', timeoutMs: 1000, maxOutputBytes: 8, maxValueBytes: 30 };

function guard() {
  const events: FrameEvent[] = [];
  return { guard: new RunGuard(request, limits, (e) => events.push(e)), events };
}

describe('RunGuard', () => {
  it('lets output through up to the cap in UTF-8 bytes, then cuts and says so', () => {
    const { guard: g, events } = guard();
    g.output('stdout', 'ééé');
    g.output('stdout', 'abcdef');
    g.output('stderr', 'x');
    const report = g.report({ outcome: { kind: 'returned' }, outputs: [] });
    expect(report.stdout).toBe('éééab');
    expect(report.stderr).toBe('x');
    expect(report.limitsHit).toEqual(['output']);
    expect(events.map((e) => (e.type === 'output' ? e.text : '')).join('')).toBe('éééabx');
  });

  it('keeps the order of the two streams and counts the events it sent, for the host to wait for', () => {
    const { guard: g, events } = guard();
    g.output('stdout', 'a');
    g.output('stderr', 'b');
    g.output('stdout', 'c');
    const report = g.report({ outcome: { kind: 'returned' }, outputs: [] });
    expect(events.map((e) => (e.type === 'output' ? `${e.stream}:${e.text}` : e.type))).toEqual(['stdout:a', 'stderr:b', 'stdout:c']);
    expect(report.outputEvents).toBe(3);
  });

  it('coalesces a stream of chunks into few events', () => {
    const events: FrameEvent[] = [];
    const g = new RunGuard({ ...request, maxOutputBytes: 1 << 20 }, limits, (e) => events.push(e));
    for (let i = 0; i < 5000; i++) g.output('stdout', 'line\n');
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

  it('reports a worker that ended as failed, with the limit that ended it', () => {
    const { guard: g } = guard();
    g.output('stdout', 'partial');
    expect(g.failed('flood', 'messages')).toMatchObject({ outcome: { kind: 'failed', error: { name: 'BridgeError', message: 'flood' } }, stdout: 'partial', limitsHit: ['messages'], workerEnded: true });
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

describe('statusOf', () => {
  const view = { abortRequested: false, elapsedMs: 10, timeoutMs: 1000 };
  const interrupted = { kind: 'interrupted' as const, error: { name: 'KeyboardInterrupt', message: '' } };
  it('decides timeout, abort or error for an interrupt from what the host knows', () => {
    expect(statusOf(interrupted, { ...view, abortRequested: true })).toMatchObject({ status: 'aborted', decidedBy: 'host' });
    expect(statusOf(interrupted, { ...view, elapsedMs: 1000 })).toMatchObject({ status: 'timeout', decidedBy: 'host' });
    expect(statusOf(interrupted, view)).toEqual({ status: 'error', error: interrupted.error, decidedBy: 'engine' });
  });
  it("maps the other outcomes, marking them as the engine's account", () => {
    expect(statusOf({ kind: 'returned' }, view)).toEqual({ status: 'ok', decidedBy: 'engine' });
    expect(statusOf({ kind: 'threw', error: { name: 'E', message: '' }, memory: true }, view)).toMatchObject({ status: 'memory', decidedBy: 'engine' });
    expect(statusOf({ kind: 'threw', error: { name: 'E', message: '' } }, view).status).toBe('error');
    expect(statusOf({ kind: 'failed', error: { name: 'E', message: '' } }, view)).toMatchObject({ status: 'crashed', decidedBy: 'engine' });
    // A worker the frame ended: the frame's word.
    expect(statusOf({ kind: 'failed', error: { name: 'E', message: '' } }, view, true)).toMatchObject({ status: 'crashed', decidedBy: 'host' });
  });
  it("turns any report that arrives past the limit and its slack into the host's timeout", () => {
    const late = { ...view, elapsedMs: view.timeoutMs + LATE_REPORT_SLACK_MS + 1 };
    for (const outcome of [{ kind: 'returned' as const }, { kind: 'threw' as const, error: { name: 'E', message: '' }, memory: true }, interrupted]) {
      expect(statusOf(outcome, late)).toMatchObject({ status: 'timeout', decidedBy: 'host', error: { name: 'TimeoutError', message: expect.stringMatching(/1000 ms time limit: its engine reported after 1251 ms/) } });
    }
    expect(statusOf({ kind: 'returned' }, { ...view, elapsedMs: view.timeoutMs + LATE_REPORT_SLACK_MS })).toMatchObject({ status: 'ok' });
    // The caller's abort still names what happened.
    expect(statusOf(interrupted, { ...late, abortRequested: true }).status).toBe('aborted');
  });
  it('cuts what an engine said to a short detail for lifecycle events', () => {
    expect(restartDetail(undefined)).toEqual({});
    expect(restartDetail('é'.repeat(500)).detail).toBe('é'.repeat(100));
  });
});

describe('definedMemories', () => {
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  it('finds memories a module defines, not ones it imports', () => {
    expect(definedMemories(new Uint8Array([...header, 5, 3, 1, 0, 1]))).toBe(1);
    // (import "env" "memory" (memory 1)): an import section, no memory section.
    expect(definedMemories(new Uint8Array([...header, 2, 15, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1]))).toBe(0);
    expect(definedMemories(new Uint8Array(header))).toBe(0);
  });
  it('throws on a truncated module rather than guess', () => {
    expect(() => definedMemories(new Uint8Array([...header, 5, 0x80]))).toThrow(RangeError);
  });
});

describe('homeParts', () => {
  it('keeps paths inside /home/user', () => {
    expect(homeParts('a/b/../c.txt')).toEqual(['a', 'c.txt']);
    expect(homeParts('/home/user/x')).toEqual(['x']);
    expect(homeParts('.')).toEqual([]);
  });
  it.each(['/lib/os.py', '/home/userx/file', '../x', 'a/../../x', '/'])('refuses %s', (path) => {
    expect(() => homeParts(path)).toThrow(/home\/user/);
  });
});
