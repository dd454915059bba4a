/**
 * How a run ends, every path through host/run-outcome.ts: a run never sent, an engine lost before
 * the run was sent, a run the host stopped, and a run its frame reported (status, error name,
 * stateLost, the restart, the limits).
 */
import { describe, expect, it } from 'vitest';
import { LATE_REPORT_SLACK_MS, outcomeOf, statusOf } from '../../../src/host/run-outcome.js';
import type { RunReport } from '../../../src/shared/protocol.js';

const streamed = { stdout: 'out', stderr: 'err' };
const view = { abortRequested: false, elapsedMs: 10, timeoutMs: 1000 };
const report = (over: Partial<RunReport> = {}): RunReport => ({ runSeq: 1, outcome: { kind: 'returned', valueJson: '42', text: '42' }, outputs: [], limitsHit: [], ...over });

describe('outcomeOf', () => {
  it('a run never sent: aborted by the host, nothing lost, nothing restarted, no limits', () => {
    expect(outcomeOf({ kind: 'unsent', disposed: false }, streamed)).toEqual({
      result: { status: 'aborted', decidedBy: 'host', error: { name: 'AbortError', message: 'the run was aborted before it started' }, stdout: 'out', stderr: 'err', outputs: [], stateLost: false },
      limits: [],
    });
    expect(outcomeOf({ kind: 'unsent', disposed: true }, streamed).result.error?.message).toBe('the sandbox was disposed');
  });

  it('an engine lost before the run was sent: crashed, state lost, no second restart (the sandbox already started one)', () => {
    const out = outcomeOf({ kind: 'lost', message: 'the worker ended' }, streamed);
    expect(out.result).toMatchObject({ status: 'crashed', decidedBy: 'host', error: { name: 'CrashError', message: 'the worker ended' }, stateLost: true });
    expect(out.restart).toBeUndefined();
  });

  it('a run the host stopped: its status, state lost, the session replaced, the limit named', () => {
    const timeout = outcomeOf({ kind: 'stopped', status: 'timeout', message: 'past 100 ms' }, streamed);
    expect(timeout).toMatchObject({ result: { status: 'timeout', decidedBy: 'host', error: { name: 'TimeoutError' }, stdout: 'out', stateLost: true }, restart: { reason: 'timeout', message: 'past 100 ms' }, limits: ['timeout'] });
    const crashed = outcomeOf({ kind: 'stopped', status: 'crashed', message: 'out of memory', limit: 'memory' }, streamed);
    expect(crashed).toMatchObject({ result: { status: 'crashed', error: { name: 'CrashError' } }, restart: { reason: 'crashed' }, limits: ['memory'] });
    expect(outcomeOf({ kind: 'stopped', status: 'aborted', message: 'aborted' }, streamed).result.error?.name).toBe('AbortError');
  });

  it("a reported ok keeps the value, the text, the rich outputs and the streamed output; the engine's word", () => {
    const out = outcomeOf({ kind: 'reported', report: report({ outputs: [{ mime: 'image/png', data: 'x' }], memoryBytes: 5 }), view }, streamed);
    expect(out).toEqual({
      result: { status: 'ok', decidedBy: 'engine', value: 42, text: '42', stdout: 'out', stderr: 'err', outputs: [{ mime: 'image/png', data: 'x' }], stateLost: false },
      limits: [],
      memoryBytes: 5,
    });
  });

  it('a late report is a timeout and loses its value; a cut value or output marks the result truncated', () => {
    const late = outcomeOf({ kind: 'reported', report: report({ limitsHit: ['value'] }), view: { ...view, elapsedMs: 2000 } }, streamed);
    expect(late.result).toMatchObject({ status: 'timeout', decidedBy: 'host', truncated: true });
    expect('value' in late.result || 'text' in late.result).toBe(false);
    expect(late.limits.sort()).toEqual(['timeout', 'value']);
    expect(late.restart).toBeUndefined();
  });

  it('a memory error is a limit; state is lost when the worker says it dropped it', () => {
    const out = outcomeOf({ kind: 'reported', report: report({ outcome: { kind: 'threw', error: { name: 'InternalError', message: 'out of memory' }, memory: true }, stateLost: true }), view }, streamed);
    expect(out).toMatchObject({ result: { status: 'memory', stateLost: true }, limits: ['memory'] });
  });

  it("an engine that failed: crashed, restarted with its words as a short detail; the frame's account stands as the message", () => {
    const engine = outcomeOf({ kind: 'reported', report: report({ outcome: { kind: 'failed', error: { name: 'EngineError', message: 'é'.repeat(500) } } }), view }, streamed);
    expect(engine).toMatchObject({ result: { status: 'crashed', decidedBy: 'engine', stateLost: true }, restart: { reason: 'crashed', message: 'the engine reported that it failed; it was restarted', detail: 'é'.repeat(100) } });
    const frame = outcomeOf({ kind: 'reported', report: report({ outcome: { kind: 'failed', error: { name: 'CrashError', message: 'the worker died' } }, workerEnded: true }), view }, streamed);
    expect(frame).toMatchObject({ result: { status: 'crashed', decidedBy: 'host' }, restart: { message: 'the worker died; it was restarted' } });
    expect(frame.restart?.detail).toBeUndefined();
  });

  it('a value that is not JSON: the worker broke the protocol, crashed and restarted (BridgeError)', () => {
    const out = outcomeOf({ kind: 'reported', report: report({ outcome: { kind: 'returned', valueJson: '{nope' } }), view }, streamed);
    expect(out).toMatchObject({ result: { status: 'crashed', decidedBy: 'host', error: { name: 'BridgeError' }, stateLost: true }, restart: { reason: 'crashed' } });
  });
});

describe('statusOf', () => {
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
});

