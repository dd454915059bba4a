/**
 * The one place a run's status is decided. Engines only say what happened (returned, threw,
 * interrupted, failed), and a guest can fake any of that about itself; the host alone knows
 * whether its clock ran out or its caller aborted. So a report that arrives past the time limit
 * is a `timeout` whatever it says (a guest can turn its engine's own deadline check off), an
 * `interrupted` becomes `timeout` or `aborted` when the host stopped the run (or the `error` the
 * guest raised when it did not), and every status says who decided it.
 */
import type { EngineOutcome } from '../shared/protocol.js';
import type { RunError, RunResult, RunStatus } from '../shared/types.js';
import { cutUtf8 } from '../shared/utf8.js';

/** How close to its deadline a run may end and still count as having reached it (clocks differ by context). */
const DEADLINE_SLACK_MS = 25;
/**
 * How long past its deadline a report may arrive and still be the engine's account: the run is
 * timed from the host's sending it, and its report crosses the frame and the page's event loop.
 * Later than this, the host's clock decides: `timeout`.
 */
export const LATE_REPORT_SLACK_MS = 250;
/** The most of an engine's own words a lifecycle event repeats. */
const MAX_DETAIL_BYTES = 200;

/** The errors the host reports for the stops it decides. */
export const STOP_ERRORS = {
  timeout: { name: 'TimeoutError', message: 'the run passed its time limit and was stopped' },
  aborted: { name: 'AbortError', message: 'the run was aborted' },
} as const satisfies Record<string, RunError>;

/** What the host itself knows about how a run went. */
export interface HostView {
  /** The caller's signal aborted while the run went on. */
  abortRequested: boolean;
  /** Milliseconds from sending the run to its report, on the host's clock. */
  elapsedMs: number;
  timeoutMs: number;
}

/** A run's status and error, and who decided them. */
export interface Decision {
  status: RunStatus;
  error?: RunError;
  decidedBy: RunResult['decidedBy'];
}

/**
 * A run's status from the engine's outcome and the host's own view. `workerEnded` is true when the
 * frame itself ended the worker (it died, or broke its limits): then a `failed` is the frame's word.
 */
export function statusOf(outcome: EngineOutcome, view: HostView, workerEnded = false): Decision {
  if (outcome.kind === 'failed') return { status: 'crashed', error: outcome.error, decidedBy: workerEnded ? 'host' : 'engine' };
  if (outcome.kind === 'interrupted' && view.abortRequested) return { status: 'aborted', error: { ...STOP_ERRORS.aborted }, decidedBy: 'host' };
  if (view.elapsedMs > view.timeoutMs + LATE_REPORT_SLACK_MS) {
    const message = `the run passed its ${view.timeoutMs} ms time limit: its engine reported after ${Math.round(view.elapsedMs)} ms`;
    return { status: 'timeout', error: { name: STOP_ERRORS.timeout.name, message }, decidedBy: 'host' };
  }
  switch (outcome.kind) {
    case 'returned':
      return { status: 'ok', decidedBy: 'engine' };
    case 'threw':
      return { status: outcome.memory ? 'memory' : 'error', error: outcome.error, decidedBy: 'engine' };
    case 'interrupted':
      if (view.elapsedMs + DEADLINE_SLACK_MS >= view.timeoutMs) return { status: 'timeout', error: { ...STOP_ERRORS.timeout }, decidedBy: 'host' };
      // Nothing of the host's stopped it: the guest raised the interrupt itself.
      return { status: 'error', error: outcome.error, decidedBy: 'engine' };
  }
}

/** The `detail` of a `sandbox-restarted` event: what the engine said, cut short, or nothing. */
export function restartDetail(said: string | undefined): { detail?: string } {
  return said ? { detail: cutUtf8(said, MAX_DETAIL_BYTES) } : {};
}
