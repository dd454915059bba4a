/**
 * Every way one run can end, raced: the frame's report, the hard deadline, the caller's abort,
 * `dispose()`, or the session dying. Only the report keeps the engine; every other ending means
 * the caller must replace the session. The limits here hold whatever the guest does.
 */
import type { RunReport, RunRequest } from '../shared/protocol.js';
import { SessionEndedError, type FrameSession } from './frame-session.js';
import type { RunEnd } from './run-outcome.js';

/**
 * How long past its deadline a run may take before the host removes the frame. QuickJS checks the
 * clock itself in its interrupt handler: it stops within milliseconds unless the guest sits in one
 * long C call. Python got 2 s while fresh-clone CI runs saw interrupted loops' frames removed on
 * Chromium's isolated page (about once per run at 500 ms, in two of six at 1 s and 2 s alike); the
 * cause was a second interrupt (see below), so one grace for both may do once runs confirm it.
 */
const HARD_KILL_GRACE_MS = { selfTimed: 1_000, interrupted: 2_000 };
/** How long an aborted run may take to stop by itself before the frame is removed. */
const ABORT_GRACE_MS = 400;
/**
 * The same with a shared-memory interrupt on its way: it crosses the page, the frame and the
 * worker, each of which may be busy on a loaded machine (seen: over 400 ms with three engines'
 * test suites running at once).
 */
const SHARED_ABORT_GRACE_MS = 1_000;
/**
 * A waiting run stops on the RPC cancel within this; only then is the shared-memory interrupt sent
 * (a SIGINT that reaches Pyodide after its run ended would break its event loop).
 */
const CANCEL_FIRST_MS = 50;

export interface RaceOptions {
  /** True when the engine stops itself at the deadline (QuickJS); Python needs an interrupt from outside. */
  selfTimed: boolean;
  signal: AbortSignal | undefined;
  /** Aborted when the sandbox is disposed. */
  disposed: AbortSignal;
}

/** The first of the run's endings: a stop, or its report. */
type Ending = Extract<RunEnd, { kind: 'stopped' }> | { kind: 'report'; report: RunReport };

/**
 * Runs `request` on `session` and resolves with the first ending (a report carries the host's view
 * of it: whether the caller aborted, and the time from sending the run), and the elapsed time.
 */
export async function raceRun(session: FrameSession, request: RunRequest, { selfTimed, signal, disposed }: RaceOptions): Promise<{ end: RunEnd; elapsedMs: number }> {
  const { runSeq, timeoutMs } = request;
  const sent = performance.now();
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const cleanups: Array<() => void> = [];
  const after = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
  const on = (target: AbortSignal, fn: () => void) => {
    // A signal that aborted before the run was sent (while it waited for a restart or an install) fires no event.
    if (target.aborted) return fn();
    target.addEventListener('abort', fn, { once: true });
    cleanups.push(() => target.removeEventListener('abort', fn));
  };
  let abortRequested = false;

  const endings: Array<Promise<Ending>> = [
    session.run(request).then(
      (report): Ending => ({ kind: 'report', report }),
      (error): Ending => {
        const reason = error instanceof SessionEndedError ? error.reason : { kind: 'crashed' as const, message: String(error) };
        return reason.kind === 'crashed'
          ? { kind: 'stopped', status: 'crashed', message: `${reason.message}; the engine was restarted and its state is lost`, ...(reason.limit && { limit: reason.limit }) }
          : { kind: 'stopped', status: 'aborted', message: 'the sandbox was stopped' };
      },
    ),
    new Promise<Ending>((resolve) => {
      // A waiting Python cell is cancelled by the worker's own timer at the deadline, and a busy one
      // interrupts itself. The frame writes no SIGINT at the deadline: a second interrupt that lands
      // while Python hands back the first one's result left the run unsettled (fresh-clone CI runs,
      // Chromium's isolated page, about one in three runs), and the shared buffer stops nothing the
      // engine's own check does not. Code that defeats the check is stopped by removing the frame.
      after(timeoutMs + (selfTimed ? HARD_KILL_GRACE_MS.selfTimed : HARD_KILL_GRACE_MS.interrupted), () =>
        resolve({ kind: 'stopped', status: 'timeout', message: `the run passed its ${timeoutMs} ms limit and did not stop; the engine was restarted and its state is lost` }),
      );
    }),
    new Promise<Ending>((resolve) => on(disposed, () => resolve({ kind: 'stopped', status: 'aborted', message: 'the sandbox was disposed' }))),
  ];
  if (signal) {
    endings.push(
      new Promise<Ending>((resolve) =>
        on(signal, () => {
          abortRequested = true;
          session.cancel(runSeq);
          after(CANCEL_FIRST_MS, () => session.interruptShared(runSeq));
          after(session.sharedInterrupt ? SHARED_ABORT_GRACE_MS : ABORT_GRACE_MS, () =>
            resolve({ kind: 'stopped', status: 'aborted', message: 'the run was aborted and did not stop by itself; the engine was restarted and its state is lost' }),
          );
        }),
      ),
    );
  }

  const ending = await Promise.race(endings);
  const elapsedMs = performance.now() - sent;
  for (const t of timers) clearTimeout(t);
  for (const c of cleanups) c();
  const end: RunEnd = ending.kind === 'report' ? { kind: 'reported', report: ending.report, view: { abortRequested, elapsedMs, timeoutMs } } : ending;
  return { end, elapsedMs };
}
