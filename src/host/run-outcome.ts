/**
 * The one place that decides how a run ends: its status, its error, who decided it, whether the
 * guest's state is lost, whether the session must be replaced, and which limits it hit. Every path
 * comes here: a run never sent (disposed, or aborted while it waited), an engine lost before the run
 * was sent, a run the host stopped, and a run its frame reported.
 *
 * Engines only say what happened (returned, threw, interrupted, failed), and a guest can fake any
 * of that about itself; the host alone knows whether its clock ran out or its caller aborted. So a
 * report that arrives past the time limit is a `timeout` whatever it says (a guest can turn its
 * engine's own deadline check off), an `interrupted` becomes `timeout` or `aborted` when the host
 * stopped the run (or the `error` the guest raised when it did not), and every status says who
 * decided it. The clock is the host's, from the moment it sent the run.
 */
import type { LimitName, RestartReason } from '../shared/events.js';
import type { EngineOutcome, RunReport } from '../shared/protocol.js';
import { runError } from '../shared/run-errors.js';
import type { RunError, RunOutput, RunResult, RunStatus } from '../shared/types.js';
import { cutUtf8 } from '../shared/utf8.js';

/** How close to its deadline a run may end and still count as having reached it (clocks differ by context). */
const DEADLINE_SLACK_MS = 25;
/**
 * How long past its deadline a report may arrive and still be the engine's account: the run is
 * timed from the host's sending it, and its report crosses the frame and the page's event loop.
 * Later than this, the host's clock decides: `timeout`.
 */
export const LATE_REPORT_SLACK_MS = 250;
/** The most of an engine's own words a `sandbox-restarted` event repeats. */
const MAX_DETAIL_BYTES = 200;

/** What the host itself knows about how a reported run went. */
export interface HostView {
  /** The caller's signal aborted while the run went on. */
  abortRequested: boolean;
  /** Milliseconds from sending the run to its report, on the host's clock. */
  elapsedMs: number;
  timeoutMs: number;
}

/** Why the host stopped a run (and must replace its session). */
export type StopStatus = 'timeout' | 'aborted' | 'crashed';

/** How a run ended, as the run pipeline saw it. */
export type RunEnd =
  /** Never sent to its engine: the sandbox was disposed, or the caller aborted while it waited (for a restart, an install). */
  | { kind: 'unsent'; disposed: boolean }
  /** The engine ended before the run was sent (while its imports were named or installed). */
  | { kind: 'lost'; message: string }
  /** The host stopped the run: its deadline, the caller's abort, dispose(), or the session died. */
  | { kind: 'stopped'; status: StopStatus; message: string; limit?: LimitName }
  /** The frame reported the run. */
  | { kind: 'reported'; report: RunReport; view: HostView };

/** A run's status and error, and who decided them. */
export interface Decision {
  status: RunStatus;
  error?: RunError;
  decidedBy: RunResult['decidedBy'];
}

/** A session a run gave up on: why it is replaced, the `sandbox-restarted` event's message, and the engine's own words. */
export interface Restart {
  reason: RestartReason;
  message: string;
  detail?: string;
}

/** Everything that follows from how a run ended. */
export interface RunOutcome {
  /** The result, but for `durationMs` and the state lost between runs (the pipeline adds both). */
  result: Omit<RunResult, 'durationMs'>;
  /** Set when the session must be replaced. */
  restart?: Restart;
  /** The limits the run hit, one `limit-hit` event each. */
  limits: LimitName[];
  /** The engine's wasm memory after the run, as its worker reported it. */
  memoryBytes?: number;
}

/** The output the host streamed to the caller during the run. */
export interface StreamedOutput {
  stdout: string;
  stderr: string;
}

/** How the run ended → its result, whether its session is replaced, and the limits it hit. */
export function outcomeOf(end: RunEnd, output: StreamedOutput): RunOutcome {
  const base = { stdout: output.stdout, stderr: output.stderr, outputs: [] as RunOutput[] };
  switch (end.kind) {
    case 'unsent': {
      const message = end.disposed ? 'the sandbox was disposed' : 'the run was aborted before it started';
      return { result: { ...base, status: 'aborted', decidedBy: 'host', error: runError('aborted', message), stateLost: false }, limits: [] };
    }
    case 'lost':
      // The session already ended (and the sandbox reported it and started a fresh one).
      return { result: { ...base, status: 'crashed', decidedBy: 'host', error: runError('crashed', end.message), stateLost: true }, limits: [] };
    case 'stopped': {
      const result: RunOutcome['result'] = { ...base, status: end.status, decidedBy: 'host', error: runError(end.status, end.message), stateLost: true };
      const limits = new Set<LimitName>(end.limit ? [end.limit] : []);
      if (end.status === 'timeout') limits.add('timeout');
      return { result, restart: { reason: end.status, message: end.message }, limits: [...limits] };
    }
    case 'reported':
      return reportedOutcome(end.report, end.view, base);
  }
}

function reportedOutcome(report: RunReport, view: HostView, base: StreamedOutput): RunOutcome {
  let { outcome } = report;
  /** The frame or the host saw the worker fail (rather than the engine saying so). */
  let failureSeen = report.workerEnded === true;
  let value: unknown;
  if (outcome.kind === 'returned' && outcome.valueJson !== undefined) {
    try {
      value = JSON.parse(outcome.valueJson);
    } catch {
      // Only a worker that broke the protocol sends a value that is not JSON: it is replaced.
      outcome = { kind: 'failed', error: runError('bridge', 'the worker sent a value that is not JSON') };
      failureSeen = true;
    }
  }
  const { status, error, decidedBy } = statusOf(outcome, view, failureSeen);
  const result: RunOutcome['result'] = { ...base, status, decidedBy, outputs: report.outputs, stateLost: Boolean(report.stateLost) || outcome.kind === 'failed' };
  if (error) result.error = error;
  // Only an `ok` keeps its value: a late report is a timeout, whatever it returned.
  if (outcome.kind === 'returned' && status === 'ok') {
    if (outcome.text !== undefined) result.text = outcome.text;
    if (value !== undefined) result.value = value;
  }
  const limits = new Set<LimitName>(report.limitsHit);
  if (limits.has('output') || limits.has('value')) result.truncated = true;
  if (status === 'timeout' || status === 'memory') limits.add(status);
  const out: RunOutcome = { result, limits: [...limits] };
  if (report.memoryBytes !== undefined) out.memoryBytes = report.memoryBytes;
  if (outcome.kind === 'failed') {
    // The frame's own words stand as the message; the engine's are only a detail.
    out.restart = failureSeen
      ? { reason: 'crashed', message: `${outcome.error.message}; it was restarted` }
      : { reason: 'crashed', message: 'the engine reported that it failed; it was restarted', detail: cutUtf8(outcome.error.message, MAX_DETAIL_BYTES) };
  }
  return out;
}

/**
 * A reported run's status from the engine's outcome and the host's own view. `workerEnded` is true
 * when the frame itself ended the worker (it died, or broke its limits): then a `failed` is the
 * frame's word.
 */
export function statusOf(outcome: EngineOutcome, view: HostView, workerEnded = false): Decision {
  if (outcome.kind === 'failed') return { status: 'crashed', error: outcome.error, decidedBy: workerEnded ? 'host' : 'engine' };
  if (outcome.kind === 'interrupted' && view.abortRequested) return { status: 'aborted', error: runError('aborted', 'the run was aborted'), decidedBy: 'host' };
  if (view.elapsedMs > view.timeoutMs + LATE_REPORT_SLACK_MS) {
    const message = `the run passed its ${view.timeoutMs} ms time limit: its engine reported after ${Math.round(view.elapsedMs)} ms`;
    return { status: 'timeout', error: runError('timeout', message), decidedBy: 'host' };
  }
  switch (outcome.kind) {
    case 'returned':
      return { status: 'ok', decidedBy: 'engine' };
    case 'threw':
      return { status: outcome.memory ? 'memory' : 'error', error: outcome.error, decidedBy: 'engine' };
    case 'interrupted':
      if (view.elapsedMs + DEADLINE_SLACK_MS >= view.timeoutMs) return { status: 'timeout', error: runError('timeout', 'the run passed its time limit and was stopped'), decidedBy: 'host' };
      // Nothing of the host's stopped it: the guest raised the interrupt itself.
      return { status: 'error', error: outcome.error, decidedBy: 'engine' };
  }
}
