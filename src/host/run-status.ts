/**
 * The one place a run's status is decided. Engines only say what happened (returned, threw,
 * interrupted, failed), and a guest can fake any of that about itself; the host alone knows
 * whether its clock ran out or its caller aborted, so it turns an `interrupted` into `timeout` or
 * `aborted`, or, when it stopped nothing, into the `error` the guest raised.
 */
import type { EngineOutcome } from '../shared/protocol.js';
import type { RunError, RunStatus } from '../shared/types.js';

/** How close to its deadline a run may end and still count as having reached it (clocks differ by context). */
const DEADLINE_SLACK_MS = 25;

/** The errors the host reports for the stops it decides. */
export const STOP_ERRORS = {
  timeout: { name: 'TimeoutError', message: 'the run passed its time limit and was stopped' },
  aborted: { name: 'AbortError', message: 'the run was aborted' },
} as const satisfies Record<string, RunError>;

/** What the host itself knows about how a run went. */
export interface HostView {
  /** The caller's signal aborted while the run went on. */
  abortRequested: boolean;
  /** Milliseconds from sending the run to its report. */
  elapsedMs: number;
  timeoutMs: number;
}

/** A run's status and error, from the engine's outcome and the host's own view. */
export function statusOf(outcome: EngineOutcome, view: HostView): { status: RunStatus; error?: RunError } {
  switch (outcome.kind) {
    case 'returned':
      return { status: 'ok' };
    case 'threw':
      return { status: outcome.memory ? 'memory' : 'error', error: outcome.error };
    case 'failed':
      return { status: 'crashed', error: outcome.error };
    case 'interrupted':
      if (view.abortRequested) return { status: 'aborted', error: { ...STOP_ERRORS.aborted } };
      if (view.elapsedMs + DEADLINE_SLACK_MS >= view.timeoutMs) return { status: 'timeout', error: { ...STOP_ERRORS.timeout } };
      // Nothing of the host's stopped it: the guest raised the interrupt itself.
      return { status: 'error', error: outcome.error };
  }
}
