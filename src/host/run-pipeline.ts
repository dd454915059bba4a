/**
 * The run path of one sandbox: wait for its engine, install what the code imports (autoInstall),
 * send the run, race its endings (run-race.ts), stream its output to the caller, and turn how it
 * ended into a result (run-outcome.ts) and into events. The sandbox owns the sessions; this module
 * only borrows the current one for a run, and asks the sandbox to replace it when a run says so.
 */
import type { LimitName, SandboxEventInput } from '../shared/events.js';
import type { StreamName } from '../shared/protocol.js';
import type { RunResult } from '../shared/types.js';
import type { EgressGate } from './egress-gate.js';
import { SessionEndedError, type FrameSession } from './frame-session.js';
import type { ResolvedRunOptions, ResolvedSandboxOptions } from './options.js';
import type { PackageInstaller } from './packages/package-installer.js';
import { reportCallbackError } from './report-callback-error.js';
import { outcomeOf, type Restart, type RunEnd, type RunOutcome } from './run-outcome.js';
import { raceRun } from './run-race.js';

/** What a run needs of its sandbox. */
export interface RunHost {
  readonly options: ResolvedSandboxOptions;
  readonly gate: EgressGate;
  readonly installer: PackageInstaller;
  /** Aborted once the sandbox is disposed. */
  readonly disposed: AbortSignal;
  /** The current session, started if need be. */
  session(): Promise<FrameSession>;
  /** Ends a session a run gave up on and starts its replacement. */
  retire(session: FrameSession, restart: Restart, runSeq: number): void;
  emit(event: SandboxEventInput): void;
}

/** `promise`'s value, or undefined once `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  let onAbort!: () => void;
  const aborted = new Promise<undefined>((resolve) => (onAbort = () => resolve(undefined)));
  signal.addEventListener('abort', onAbort, { once: true });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** A run's output as it streams in: handed to the caller's callbacks, and kept for the result. */
class OutputCollector {
  readonly text: Record<StreamName, string> = { stdout: '', stderr: '' };

  constructor(private readonly options: ResolvedRunOptions) {}

  deliver(stream: StreamName, chunk: string): void {
    if (!chunk) return;
    this.text[stream] += chunk;
    try {
      (stream === 'stdout' ? this.options.onStdout : this.options.onStderr)?.(chunk);
    } catch (error) {
      reportCallbackError(error);
    }
  }
}

/** How far a run got: how it ended, its number once it had one, and when it was sent. */
interface RunProgress {
  end: RunEnd;
  runSeq?: number;
  /** Milliseconds from sending the run to its end; 0 for a run never sent. */
  elapsedMs: number;
  /** The session it ran on, when it reached one. */
  session?: FrameSession;
  /** Whether `run-started` was reported (then `run-finished` is too). */
  announced: boolean;
}

/** Runs code in a sandbox's sessions, one run at a time (the sandbox queues them). */
export class RunPipeline {
  private runSeq = 0;
  /** Guest state was lost outside any run (e.g. the worker crashed while idle); the next result says so. */
  stateLostBetweenRuns = false;

  constructor(private readonly host: RunHost) {}

  async run(code: string, options: ResolvedRunOptions): Promise<RunResult> {
    const output = new OutputCollector(options);
    const progress = await this.execute(code, options, output);
    const outcome = outcomeOf(progress.end, output.text);
    if (outcome.restart && progress.session && progress.runSeq !== undefined) this.host.retire(progress.session, outcome.restart, progress.runSeq);
    return this.finish(outcome, progress);
  }

  private async execute(code: string, options: ResolvedRunOptions, output: OutputCollector): Promise<RunProgress> {
    const { disposed } = this.host;
    const unsent = (runSeq?: number): RunProgress => ({ end: { kind: 'unsent', disposed: disposed.aborted }, runSeq, elapsedMs: 0, announced: false });
    if (disposed.aborted || options.signal?.aborted) return unsent();
    let session: FrameSession | undefined;
    try {
      session = await untilAborted(this.host.session(), options.signal);
    } catch (error) {
      // Disposed while the engine was (re)starting: the run ends aborted, as dispose() promises.
      if (disposed.aborted) return unsent();
      throw error;
    }
    if (!session) return unsent();
    const runSeq = ++this.runSeq;
    const announce = () => this.host.options.onEvent && this.host.emit({ type: 'run-started', runSeq, codeBytes: new TextEncoder().encode(code).length });
    const gateRun = this.host.gate.beginRun(runSeq);
    try {
      if (this.host.options.autoInstall) {
        // A failed install (PackageError) rejects the run before it starts.
        try {
          await this.host.installer.installImports(session, code, gateRun);
        } catch (error) {
          if (disposed.aborted) return unsent(runSeq);
          if (!(error instanceof SessionEndedError)) throw error;
          // The engine ended while naming the imports (a malformed answer stops it): the run ends
          // crashed, as it would have mid-run. Once `ended` settles, the sandbox has reported it and
          // started a fresh engine (its handler was registered first).
          await session.ended;
          announce();
          return { end: { kind: 'lost', message: (error as Error).message }, runSeq, elapsedMs: 0, announced: true };
        }
      }
      // Aborted while its imports were installed: the run is not sent.
      if (options.signal?.aborted) return unsent(runSeq);
      announce();
      session.onOutput = (message) => message.runSeq === runSeq && output.deliver(message.stream, message.text);
      const request = { runSeq, code, stdin: options.stdin, timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes, maxValueBytes: this.host.options.maxValueBytes };
      const { end, elapsedMs } = await raceRun(session, request, { selfTimed: this.host.options.language === 'javascript', signal: options.signal, disposed });
      return { end, runSeq, elapsedMs, session, announced: true };
    } finally {
      // The run is over: its tools, requests and installs are told to stop.
      this.host.gate.endRun(gateRun);
      session.onOutput = undefined;
    }
  }

  /** Stamps the result with its duration and any state lost between runs, and reports it. */
  private finish({ result: r, limits, memoryBytes }: RunOutcome, progress: RunProgress): RunResult {
    const result: RunResult = { ...r, stateLost: r.stateLost || this.stateLostBetweenRuns, durationMs: Math.round(progress.elapsedMs * 1000) / 1000 };
    this.stateLostBetweenRuns = false;
    if (progress.announced && progress.runSeq !== undefined) this.report(progress.runSeq, result, limits, memoryBytes);
    return result;
  }

  /** Reports a finished run and the limits it hit, to `onEvent`. */
  private report(runSeq: number, result: RunResult, limits: LimitName[], peakMemoryBytes: number | undefined): void {
    // Measuring the output (up to megabytes) is only worth it for someone listening.
    if (!this.host.options.onEvent) return;
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    const { status, durationMs, stateLost } = result;
    this.host.emit({ type: 'run-finished', runSeq, status, durationMs, stdoutBytes: bytes(result.stdout), stderrBytes: bytes(result.stderr), stateLost, ...(peakMemoryBytes !== undefined && { peakMemoryBytes }) });
    for (const limit of limits) this.host.emit({ type: 'limit-hit', runSeq, limit });
  }
}
