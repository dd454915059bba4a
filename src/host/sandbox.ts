/**
 * The public `Sandbox`: queues runs and file and package calls, streams output to the caller, and
 * replaces the frame session whenever it had to be killed (run-race.ts decides when) or a fresh
 * interpreter is due (Python's reset). The main thread only ever waits on messages; it never
 * blocks on the guest.
 */
import { DisposedError, NotSupportedError, SandboxStartError } from '../shared/errors.js';
import { SNAPSHOT_FILE, type EngineConfig, type HostCall, type RunReport, type RunRequest, type StreamName } from '../shared/protocol.js';
import type { Language, ProgressEvent, RunError, RunOptions, RunOutput, RunResult, Sandbox, SandboxFileSystem, SandboxOptions } from '../shared/types.js';
import { loadAssets, manifestAt, type BundledEngines, type EngineAssets, type Manifest } from './assets.js';
import type { LimitName, RestartReason, SandboxEvent, SandboxEventInput } from '../shared/events.js';
import { FrameSession, SessionEndedError, type EndReason } from './frame-session.js';
import { raceRun, type Ending } from './run-race.js';
import { restartDetail, statusOf, type HostView } from './run-status.js';
import { dropSnapshot, findSnapshot, makeSnapshot } from './python-snapshot.js';
import { EgressGate } from './egress-gate.js';
import { PackageInstaller } from './package-installer.js';
import { createSandboxFs } from './sandbox-fs.js';
import { importNames, readLockfile } from './packages.js';
import { packageList, resolveRunOptions, resolveSandboxOptions, type ResolvedRunOptions, type ResolvedSandboxOptions } from './options.js';

/** How long a reported run waits for output events that trail its report (they normally do not). */
const OUTPUT_CATCH_UP_MS = 1_000;

/** Reports an exception thrown by a user callback without disturbing the run. */
function reportCallbackError(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else setTimeout(() => {
    throw error;
  });
}

/** `promise`'s value, or undefined once `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  let onAbort!: () => void;
  const aborted = new Promise<undefined>((resolve) => (onAbort = () => resolve(undefined)));
  signal.addEventListener('abort', onAbort, { once: true });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** The result of a run the host stopped (or never started). */
function stopped(status: 'timeout' | 'aborted' | 'crashed', message: string, out: { stdout: string; stderr: string; outputs?: RunOutput[] } = { stdout: '', stderr: '' }): Omit<RunResult, 'durationMs' | 'stateLost'> {
  const name: Record<typeof status, string> = { aborted: 'AbortError', timeout: 'TimeoutError', crashed: 'CrashError' };
  const error: RunError = { name: name[status], message };
  return { status, decidedBy: 'host', stdout: out.stdout, stderr: out.stderr, outputs: out.outputs ?? [], error };
}

class SandboxImpl implements Sandbox {
  readonly language: Language;
  readonly fs: SandboxFileSystem;
  private session: FrameSession | undefined;
  private starting: Promise<FrameSession> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private runSeq = 0;
  /** Guest state was lost outside any run (e.g. the worker crashed while idle); tell the next run. */
  private stateLostSinceLastRun = false;
  private disposed = false;
  private readonly disposedSignal = new AbortController();
  /** Decides, counts and audits everything the guest causes outside its realm. */
  private readonly gate: EgressGate;
  /** Python's installs. */
  private readonly installer: PackageInstaller;
  private readonly hostCall: (call: HostCall) => Promise<string>;

  constructor(
    private readonly options: ResolvedSandboxOptions,
    private readonly manifest: Manifest,
  ) {
    this.language = options.language;
    const emit = (event: SandboxEventInput) => this.emit(event);
    this.gate = new EgressGate({
      tools: options.tools,
      network: options.network,
      maxValueBytes: options.maxValueBytes,
      allowPackages: options.allowPackages,
      packageLimits: options.packageLimits,
      install: options.micropip ? (requirements, run) => this.installer.installForCode(this.session, requirements, run) : undefined,
      emit,
    });
    this.hostCall = (call) => this.gate.hostCall(call);
    this.installer = new PackageInstaller({ options, gate: this.gate, progress: (event) => this.progress(event), emit });
    this.fs = createSandboxFs({
      language: this.language,
      withSession: (task) => {
        if (this.disposed) return Promise.reject(new DisposedError());
        return this.enqueue(async () => task(await this.ensureSession()));
      },
    });
  }

  /** Starts the first session; used by {@link createSandbox}. */
  async start(): Promise<void> {
    this.emit({ type: 'sandbox-created', language: this.language });
    await this.ensureSession();
  }

  /** Sends an audit event to the caller's `onEvent`, stamped with the time. */
  private emit(event: SandboxEventInput): void {
    const { onEvent } = this.options;
    if (!onEvent) return;
    try {
      onEvent({ time: Date.now(), ...event } as SandboxEvent);
    } catch (error) {
      reportCallbackError(error);
    }
  }

  /** Tells the caller's `onProgress`, unless the sandbox is gone. */
  private progress(event: ProgressEvent): void {
    if (this.disposed) return;
    try {
      this.options.onProgress?.(event);
    } catch (error) {
      reportCallbackError(error);
    }
  }

  private startSession(): Promise<FrameSession> {
    const begun = performance.now();
    const starting = loadAssets(this.manifest, (loaded, total) => this.progress({ phase: 'download', loaded, total }))
      .then(async (assets) => {
        this.progress({ phase: 'start' });
        const lockBytes = await this.installer.lockFor(assets);
        const { snapshot: snapshotMode } = this.options;
        const snapshot = snapshotMode ? await findSnapshot(assets, snapshotMode) : undefined;
        const sessionAssets = lockBytes === assets.files['pyodide-lock.json'] ? assets : { ...assets, files: { ...assets.files, 'pyodide-lock.json': lockBytes! } };
        const session = await FrameSession.start(sessionAssets, this.engineConfig(lockBytes), snapshot && { [SNAPSHOT_FILE]: snapshot });
        if (snapshot && !session.fromSnapshot) dropSnapshot(assets);
        if (this.language === 'python') {
          try {
            await this.installer.startEngine(session, lockBytes);
          } catch (error) {
            session.kill();
            throw error;
          }
        }
        this.progress({ phase: 'ready' });
        if (snapshotMode && !session.fromSnapshot) this.makeSnapshotLater(assets);
        return session;
      })
      .then((session) => {
        if (this.disposed) {
          session.kill();
          throw new DisposedError();
        }
        this.session = session;
        session.onDropped = (channel, count, reason) => this.emit({ type: 'message-dropped', channel, count, reason });
        session.onHostCall = this.hostCall;
        void session.ended.then((reason) => this.onSessionEnded(session, reason));
        this.emit({ type: 'sandbox-ready', startMs: Math.round(performance.now() - begun), ...(this.options.snapshot && { fromSnapshot: session.fromSnapshot }) });
        return session;
      })
      .finally(() => {
        if (this.starting === starting) this.starting = undefined;
      });
    this.starting = starting;
    // Restarts happen in the background; a failure surfaces on the next call that needs the session.
    starting.catch(() => {});
    return starting;
  }

  /** What the frame starts the engine with, and the limits it enforces on the worker. */
  private engineConfig(lockBytes: ArrayBuffer | undefined): EngineConfig {
    const o = this.options;
    return {
      language: this.language,
      memoryLimitBytes: Math.round(o.memoryLimitMB * 1024 * 1024),
      toolNames: [...o.tools.keys()],
      network: o.network !== undefined,
      ...(o.micropip && { micropip: true }),
      importHints: lockBytes && importNames(readLockfile(lockBytes)),
      limits: {
        maxHostCalls: o.maxToolCalls,
        maxToolArgumentBytes: o.maxToolArgumentBytes,
        maxRequestBytes: o.network?.limits.maxRequestBytes ?? 0,
        maxFileBytes: o.maxFileBytes,
      },
    };
  }

  /**
   * Makes the page's snapshot in the background, after this start has finished: a second Pyodide
   * start, in a frame and worker of its own (see python-snapshot.ts).
   */
  private makeSnapshotLater(assets: EngineAssets): void {
    setTimeout(async () => {
      if (this.disposed) return;
      const begun = performance.now();
      const bytes = await makeSnapshot(assets, this.options.snapshot);
      if (bytes !== undefined && !this.disposed) this.emit({ type: 'snapshot-made', bytes, durationMs: Math.round(performance.now() - begun) });
    });
  }

  private ensureSession(): Promise<FrameSession> {
    if (this.disposed) return Promise.reject(new DisposedError());
    if (this.session?.alive) return Promise.resolve(this.session);
    return this.starting ?? this.startSession();
  }

  /** A session ended outside any run's control (e.g. the worker crashed while idle). */
  private onSessionEnded(session: FrameSession, reason: EndReason): void {
    if (this.session !== session) return;
    this.session = undefined;
    if (this.disposed) return;
    this.stateLostSinceLastRun = true;
    this.emit({ type: 'sandbox-restarted', reason: 'crashed', message: reason.kind === 'crashed' ? reason.message : 'the frame was removed' });
    // Start the replacement now so the next run does not pay for it.
    if (!this.starting) this.startSession();
  }

  /**
   * Ends a session a run gave up on, and starts its replacement in the background. `message` is
   * the host's (or frame's) account; `detail` what the engine said, if anything.
   */
  private retire(session: FrameSession, reason: RestartReason, message: string, runSeq: number, detail?: string): void {
    if (this.session === session) this.session = undefined;
    session.kill();
    if (!this.disposed) this.emit({ type: 'sandbox-restarted', reason, message, runSeq, ...restartDetail(detail) });
    if (!this.disposed && !this.starting) this.startSession();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  }

  run(code: string, options?: RunOptions): Promise<RunResult> {
    if (this.disposed) return Promise.reject(new DisposedError());
    if (typeof code !== 'string') return Promise.reject(new TypeError(`run: code must be a string, got ${code === null ? 'null' : typeof code}`));
    let resolved: ResolvedRunOptions;
    try {
      resolved = resolveRunOptions(options, this.options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(() => this.runNow(code, resolved));
  }

  private async runNow(code: string, options: ResolvedRunOptions): Promise<RunResult> {
    /** A run that never reached its engine: disposed, or aborted while it waited (for a restart, say). */
    const unsent = (runSeq?: number) =>
      this.finish(stopped('aborted', this.disposed ? 'the sandbox was disposed' : 'the run was aborted before it started'), { started: performance.now(), runSeq });
    if (this.disposed || options.signal?.aborted) return unsent();
    let session: FrameSession | undefined;
    try {
      session = await untilAborted(this.ensureSession(), options.signal);
    } catch (error) {
      // Disposed while the engine was (re)starting: the run ends aborted, as dispose() promises.
      if (this.disposed) return unsent();
      throw error;
    }
    if (!session) return unsent();
    // The run's own time starts once its engine is ready (after any restart it had to wait for).
    const started = performance.now();
    const runSeq = ++this.runSeq;
    const reportStart = () => this.options.onEvent && this.emit({ type: 'run-started', runSeq, codeBytes: new TextEncoder().encode(code).length });
    const gateRun = this.gate.beginRun(runSeq);
    try {
      if (this.options.autoInstall) {
        // A failed install (PackageError) rejects the run before it starts.
        try {
          await this.installer.installImports(session, code, gateRun);
        } catch (error) {
          if (this.disposed) return unsent(runSeq);
          // The frame rejects with its WorkerEndedError when it stops the worker, and reports the end
          // as an event; which arrives first varies (WebKit: often the rejection).
          if (!(error instanceof SessionEndedError) && (error as Error | undefined)?.name !== 'WorkerEndedError') throw error;
          // The engine ended while naming the imports (a malformed answer stops it): the run ends
          // crashed, as it would have mid-run. Once `ended` settles, onSessionEnded has reported it
          // and started a fresh engine (its handler was registered first).
          await session.ended;
          reportStart();
          return this.finish(stopped('crashed', (error as Error).message), { started, runSeq, stateLost: true });
        }
      }
      // Aborted while its imports were installed: the run is not sent.
      if (options.signal?.aborted) return unsent(runSeq);
      reportStart();
      const streamed = this.streamTo(session, runSeq, options);
      const request: RunRequest = {
        runSeq,
        code,
        stdin: options.stdin,
        timeoutMs: options.timeoutMs,
        maxOutputBytes: options.maxOutputBytes,
        maxValueBytes: this.options.maxValueBytes,
      };
      const { ending, abortRequested, elapsedMs } = await raceRun(session, request, {
        selfTimed: this.language === 'javascript',
        signal: options.signal,
        disposed: this.disposedSignal.signal,
      });
      // The run is over: its tools, requests and installs are told to stop before its output is awaited.
      this.gate.endRun(gateRun);
      if (ending.kind === 'report') await streamed.caughtUp(ending.report.outputEvents);
      const run = { started, runSeq };
      if (ending.kind === 'stop') return this.finishStopped(session, ending, streamed.text, run);
      return this.finishReported(session, ending.report, streamed, { ...run, abortRequested, elapsedMs, timeoutMs: options.timeoutMs });
    } finally {
      this.gate.endRun(gateRun);
      session.onOutput = undefined;
    }
  }

  /** Streams the run's output to the caller's callbacks and keeps what was delivered. */
  private streamTo(session: FrameSession, runSeq: number, options: ResolvedRunOptions) {
    const text: Record<StreamName, string> = { stdout: '', stderr: '' };
    let received = 0;
    let waiting: { count: number; resolve(): void } | undefined;
    const deliver = (stream: StreamName, chunk: string) => {
      if (!chunk) return;
      text[stream] += chunk;
      const cb = stream === 'stdout' ? options.onStdout : options.onStderr;
      try {
        cb?.(chunk);
      } catch (error) {
        reportCallbackError(error);
      }
    };
    session.onOutput = (message) => {
      if (message.runSeq !== runSeq) return;
      deliver(message.stream, message.text);
      if (++received >= (waiting?.count ?? Infinity)) waiting?.resolve();
    };
    /** Resolves once `count` output events have arrived (they may trail the report), or after a short wait. */
    const caughtUp = (count: number) =>
      received >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, OUTPUT_CATCH_UP_MS);
            waiting = { count, resolve: () => (clearTimeout(timer), resolve()) };
          });
    return { text, deliver, caughtUp };
  }

  /** A run the host had to stop (deadline, abort, dispose, or the session died): its session is replaced. */
  private finishStopped(session: FrameSession, ending: Extract<Ending, { kind: 'stop' }>, streamed: Record<StreamName, string>, run: { started: number; runSeq: number }): RunResult {
    this.retire(session, ending.status, ending.message, run.runSeq);
    const limits: LimitName[] = ending.limit ? [ending.limit] : [];
    return this.finish(stopped(ending.status, ending.message, streamed), { ...run, stateLost: !this.disposed, limits });
  }

  /** A run the frame reported: the host decides its status (statusOf); a failed engine is replaced. */
  private finishReported(
    session: FrameSession,
    report: RunReport,
    streamed: ReturnType<SandboxImpl['streamTo']>,
    run: { started: number; runSeq: number } & HostView,
  ): RunResult {
    // Output normally arrives before the report; deliver any rest in order.
    streamed.deliver('stdout', report.stdout.slice(streamed.text.stdout.length));
    streamed.deliver('stderr', report.stderr.slice(streamed.text.stderr.length));
    let { outcome } = report;
    /** The frame or the host saw the worker fail (rather than the engine saying so). */
    let failureSeen = report.workerEnded === true;
    let value: unknown;
    if (outcome.kind === 'returned' && outcome.valueJson !== undefined) {
      try {
        value = JSON.parse(outcome.valueJson);
      } catch {
        // Only a worker that broke the protocol sends a value that is not JSON: it is replaced.
        outcome = { kind: 'failed', error: { name: 'BridgeError', message: 'the worker sent a value that is not JSON' } };
        failureSeen = true;
      }
    }
    const { status, error, decidedBy } = statusOf(outcome, run, failureSeen);
    const result: Omit<RunResult, 'durationMs' | 'stateLost'> = { status, decidedBy, stdout: report.stdout, stderr: report.stderr, outputs: report.outputs };
    if (error) result.error = error;
    // Only an `ok` keeps its value: a late report is a timeout, whatever it returned.
    if (outcome.kind === 'returned' && status === 'ok') {
      if (outcome.text !== undefined) result.text = outcome.text;
      if (value !== undefined) result.value = value;
    }
    const limits = report.limitsHit;
    if (limits.includes('output') || limits.includes('value')) result.truncated = true;
    if (outcome.kind === 'failed') {
      // The frame's own words stand as the message; the engine's are only a detail.
      if (failureSeen) this.retire(session, 'crashed', `${outcome.error.message}; it was restarted`, run.runSeq);
      else this.retire(session, 'crashed', 'the engine reported that it failed; it was restarted', run.runSeq, outcome.error.message);
    }
    return this.finish(result, { ...run, stateLost: Boolean(report.stateLost) || outcome.kind === 'failed', limits, memoryBytes: report.memoryBytes });
  }

  /** Stamps a result with its duration and lost state, and reports it to `onEvent`. */
  private finish(
    r: Omit<RunResult, 'durationMs' | 'stateLost'>,
    run: { started: number; runSeq?: number; stateLost?: boolean; limits?: LimitName[]; memoryBytes?: number },
  ): RunResult {
    const result: RunResult = { ...r, stateLost: Boolean(run.stateLost) || this.stateLostSinceLastRun, durationMs: Math.round((performance.now() - run.started) * 1000) / 1000 };
    this.stateLostSinceLastRun = false;
    if (run.runSeq !== undefined) this.reportRun(run.runSeq, result, run.limits ?? [], run.memoryBytes);
    return result;
  }

  /** Reports a finished run and the limits it hit, to `onEvent`. */
  private reportRun(runSeq: number, result: RunResult, limits: LimitName[], peakMemoryBytes: number | undefined): void {
    // Measuring the output (up to megabytes) is only worth it for someone listening.
    if (!this.options.onEvent) return;
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    const { status, durationMs, stateLost } = result;
    this.emit({ type: 'run-finished', runSeq, status, durationMs, stdoutBytes: bytes(result.stdout), stderrBytes: bytes(result.stderr), stateLost, ...(peakMemoryBytes !== undefined ? { peakMemoryBytes } : {}) });
    const hit = new Set<LimitName>(limits);
    if (status === 'timeout' || status === 'memory') hit.add(status);
    for (const limit of hit) this.emit({ type: 'limit-hit', runSeq, limit });
  }

  installPackages(names: string[]): Promise<void> {
    if (this.disposed) return Promise.reject(new DisposedError());
    let requests: string[];
    try {
      requests = packageList('installPackages', names);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.language !== 'python') return Promise.reject(new NotSupportedError('packages are for Python sandboxes'));
    return this.enqueue(async () => this.installer.installForApp(await this.ensureSession(), requests));
  }

  /**
   * JavaScript: a fresh runtime in the same worker (a QuickJS guest never reaches the worker, so
   * nothing of it survives). Python: a fresh interpreter in a fresh frame and worker, since a
   * Python guest owns its worker's whole JavaScript scope and could leave anything behind.
   */
  reset(): Promise<void> {
    if (this.disposed) return Promise.reject(new DisposedError());
    return this.enqueue(async () => {
      const session = await this.ensureSession();
      if (this.language === 'python') {
        this.session = undefined;
        session.kill();
        // Nothing installed since the last reset follows into the next one: the guest's installs are its own.
        this.installer.forgetSinceReset();
        await this.startSession();
      } else {
        try {
          await session.reset();
        } catch (error) {
          if (!(error instanceof SessionEndedError)) throw error;
          await this.ensureSession();
        }
      }
      // Fresh globals were asked for; nothing is "lost" from the caller's point of view.
      this.stateLostSinceLastRun = false;
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.emit({ type: 'sandbox-disposed' });
    this.disposed = true;
    this.disposedSignal.abort();
    this.session?.kill();
    this.session = undefined;
    await this.starting?.catch(() => {});
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * Starts a sandbox whose engine files are at `assetsUrl`, or else those `engines` bundles (each
 * entry point passes its own; see javascript-engine.ts). Entry points document it as `createSandbox`.
 */
export async function openSandbox(options: SandboxOptions, engines: BundledEngines): Promise<Sandbox> {
  const resolved = resolveSandboxOptions(options);
  if (typeof document === 'undefined') {
    throw new SandboxStartError('ai-sandbox runs in a browser page: no document here');
  }
  const { language, assetsUrl } = resolved;
  const manifest = assetsUrl ? manifestAt(assetsUrl, language) : engines[language]?.();
  if (!manifest) {
    throw new NotSupportedError(`this entry point does not bundle the ${language} engine: import createSandbox from 'ai-sandbox' or 'ai-sandbox/${language}', or set assetsUrl`);
  }
  const sandbox = new SandboxImpl(resolved, manifest);
  try {
    await sandbox.start();
  } catch (error) {
    await sandbox.dispose();
    throw error;
  }
  return sandbox;
}
