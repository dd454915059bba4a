/**
 * The event loop of one QuickJS run: it drives promise jobs, the guest's timers and its waits on
 * host calls until the script has settled and nothing is pending (like a Node script), all under
 * the run's deadline. It sleeps without blocking the worker, so a cancel from the frame is heard.
 */
import { Scope, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten-core';
import { GuestError, GuestInterrupted, type RunContext } from '../engine.js';
import { ThrownHandle, type GuestRealm } from './guest-realm.js';

/** Whether the run was told to stop; once set, the interrupt handler stops the guest at every check. */
export interface StopState {
  fired: boolean;
  /** The interrupt handler's test (deadline, cancel, the shared slot): sets `fired` when it is time. */
  check(): boolean;
}

/**
 * Promise jobs run between two looks at the clock. QuickJS polls its interrupt handler in loops
 * and backward jumps, not in calls, so a storm of jobs that each only schedule more
 * (`const spin = () => { p.then(spin); p.then(spin) }`) never reaches it: unchecked, one
 * `executePendingJobs()` ran past a 100 ms deadline for 10 s, until the wasm memory was full.
 */
const JOBS_PER_CHECK = 100;

function sleep(ms: number, wake: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), wake]).finally(() => clearTimeout(timer));
}

/**
 * Runs the loop for the promise an async global evaluation returned. Resolves with the handle of
 * the script's completion value (the caller owns it). Throws {@link ThrownHandle} for a guest
 * exception, {@link GuestInterrupted} when stopped while waiting, {@link GuestError} when the script
 * waits on something that can never happen.
 */
export async function driveToCompletion(
  script: QuickJSHandle,
  runtime: QuickJSRuntime,
  realm: GuestRealm,
  context: RunContext,
  deadline: number,
  stop: StopState,
): Promise<QuickJSHandle> {
  const { ctx } = realm;
  const interrupted = () => {
    stop.fired = true;
    return new GuestInterrupted();
  };
  for (;;) {
    const jobs = runtime.executePendingJobs(JOBS_PER_CHECK);
    if (jobs.error) throw new ThrownHandle(jobs.error);
    if (stop.fired) throw interrupted();
    if (runtime.hasPendingJob()) {
      if (stop.check()) throw interrupted();
      continue;
    }
    const delay = realm.nextTimerDelay();
    // Like a Node script, the run goes on while timers or host calls (tools) are pending.
    const waitingHost = context.hostCallsWaiting();
    const busy = delay >= 0 || waitingHost > 0;
    const state = ctx.getPromiseState(script);
    if (state.type === 'rejected') throw new ThrownHandle(state.error);
    if (state.type === 'fulfilled') {
      // The async evaluation's result is `{ value }`: the last expression's completion value.
      if (!busy) return Scope.withScope((scope) => ctx.getProp(scope.manage(state.value), 'value'));
      state.value.dispose();
    } else if (!busy && !runtime.hasPendingJob()) {
      throw new GuestError({ name: 'Error', message: 'Top-level await never settled: the code awaits a promise that nothing will resolve' });
    }
    if (delay > 0 || (delay < 0 && waitingHost > 0)) {
      const left = deadline - performance.now();
      if (left <= 0) throw interrupted();
      const wake = waitingHost > 0 ? Promise.race([context.whenCancelled, context.nextHostReply()]) : context.whenCancelled;
      await sleep(delay < 0 ? left : Math.min(delay, left), wake);
      if (context.cancelled || performance.now() > deadline) throw interrupted();
    }
    // A throwing timer callback ends the run, as an uncaught exception ends a Node script.
    realm.runNextTimer();
  }
}
