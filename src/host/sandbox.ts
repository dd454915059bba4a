/**
 * The public `Sandbox`: queues runs and file and package calls, streams output to the caller, and
 * replaces the frame session whenever it had to be killed (run-race.ts decides when). The main
 * thread only ever waits on messages; it never blocks on the guest.
 */
import { DisposedError, NotSupportedError, PackageError, SandboxStartError } from '../shared/errors.js';
import { SNAPSHOT_FILE, type RunRequest, type StreamName, type HostCallMessage } from '../shared/protocol.js';
import type { Language, ProgressEvent, RunOptions, RunOutput, RunResult, Sandbox, SandboxFileSystem, SandboxOptions } from '../shared/types.js';
import { loadAssets, type EngineAssets } from './assets.js';
import type { RestartReason, SandboxEvent, SandboxEventInput } from '../shared/events.js';
import { FrameSession, SessionEndedError, type EndReason } from './frame-session.js';
import { raceRun } from './run-race.js';
import { dropSnapshot, findSnapshot, makeSnapshot } from './python-snapshot.js';
import { createHostServices, type ActiveRun } from './host-services.js';
import { createSandboxFs } from './sandbox-fs.js';
import { fetchWheels, importNames, planPackages, readLockfile } from './packages.js';
import { packageList, resolveRunOptions, resolveSandboxOptions, type ResolvedRunOptions, type ResolvedSandboxOptions } from './options.js';

/** Reports an exception thrown by a user callback without disturbing the run. */
function reportCallbackError(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else setTimeout(() => {
    throw error;
  });
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
  /** Python packages to (re)install in every session: the option's, then installPackages()'s. */
  private readonly packages: string[];
  private readonly wheels = new Map<string, Promise<ArrayBuffer>>();
  /** The run in progress; its signal aborts when it ends, telling its tools and requests to stop. */
  private activeRun: ActiveRun | undefined;
  private readonly hostServices: (call: HostCallMessage) => Promise<string>;

  constructor(private readonly options: ResolvedSandboxOptions) {
    this.language = options.language;
    this.packages = [...options.packages];
    this.hostServices = createHostServices({
      tools: options.tools,
      network: options.network,
      maxValueBytes: options.maxValueBytes,
      activeRun: () => this.activeRun,
      emit: (event) => this.emit(event),
    });
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

  private startSession(): Promise<FrameSession> {
    const begun = performance.now();
    const progress = (event: ProgressEvent) => {
      if (this.disposed) return;
      try {
        this.options.onProgress?.(event);
      } catch (error) {
        reportCallbackError(error);
      }
    };
    const starting = loadAssets(this.language, this.options.assetsUrl, (loaded, total) => progress({ phase: 'download', loaded, total }))
      .then(async (assets) => {
        progress({ phase: 'start' });
        const lockBytes = assets.files['pyodide-lock.json'];
        const { snapshot: snapshotMode } = this.options;
        const snapshot = snapshotMode ? await findSnapshot(assets, snapshotMode) : undefined;
        const session = await FrameSession.start(
          assets,
          {
            language: this.language,
            memoryLimitBytes: Math.round(this.options.memoryLimitMB * 1024 * 1024),
            toolNames: [...this.options.tools.keys()],
            network: this.options.network !== undefined,
            importHints: lockBytes && importNames(readLockfile(lockBytes)),
          },
          snapshot && { [SNAPSHOT_FILE]: snapshot },
        );
        if (snapshot && !session.fromSnapshot) dropSnapshot(assets);
        if (this.packages.length) {
          progress({ phase: 'packages' });
          try {
            await this.install(session, this.packages, lockBytes!);
          } catch (error) {
            session.kill();
            throw error;
          }
        }
        progress({ phase: 'ready' });
        if (snapshotMode && !session.fromSnapshot) this.makeSnapshotLater(assets);
        return session;
      })
      .then((session) => {
        if (this.disposed) {
          session.kill();
          throw new DisposedError();
        }
        this.session = session;
        session.onDropped = (channel, reason) => this.emit({ type: 'message-dropped', channel, reason });
        session.onHostCall = this.hostServices;
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

  /** Ends a session a run gave up on, and starts its replacement in the background. */
  private retire(session: FrameSession, reason: RestartReason, message: string, runSeq: number): void {
    if (this.session === session) this.session = undefined;
    session.kill();
    if (!this.disposed) this.emit({ type: 'sandbox-restarted', reason, message, runSeq });
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
    let started = performance.now();
    let runSeq: number | undefined;
    let peakMemoryBytes: number | undefined;
    const finish = (r: Omit<RunResult, 'durationMs' | 'stateLost'>, stateLost: boolean): RunResult => {
      const result: RunResult = { ...r, stateLost: stateLost || this.stateLostSinceLastRun, durationMs: Math.round((performance.now() - started) * 1000) / 1000 };
      this.stateLostSinceLastRun = false;
      if (runSeq !== undefined) this.reportRun(runSeq, result, options.maxOutputBytes, peakMemoryBytes);
      return result;
    };
    const stopped = (status: 'timeout' | 'aborted' | 'crashed', message: string, out: { stdout: string; stderr: string; outputs?: RunOutput[] } = { stdout: '', stderr: '' }) => ({
      status,
      stdout: out.stdout,
      stderr: out.stderr,
      outputs: out.outputs ?? [],
      error: { name: status === 'aborted' ? 'AbortError' : status === 'timeout' ? 'TimeoutError' : 'CrashError', message },
    });
    if (this.disposed) return finish(stopped('aborted', 'the sandbox was disposed'), false);
    if (options.signal?.aborted) return finish(stopped('aborted', 'the run was aborted before it started'), false);

    const session = await this.ensureSession();
    // The run's own time starts once its engine is ready (after any restart it had to wait for).
    started = performance.now();
    runSeq = ++this.runSeq;
    if (this.options.onEvent) this.emit({ type: 'run-started', runSeq, codeBytes: new TextEncoder().encode(code).length });
    const streamed: Record<StreamName, string> = { stdout: '', stderr: '' };
    const deliver = (stream: StreamName, text: string) => {
      if (!text) return;
      streamed[stream] += text;
      const cb = stream === 'stdout' ? options.onStdout : options.onStderr;
      try {
        cb?.(text);
      } catch (error) {
        reportCallbackError(error);
      }
    };
    session.onOutput = (message) => {
      if (message.runSeq === runSeq) deliver(message.stream, message.text);
    };

    const request: RunRequest = {
      runSeq,
      code,
      stdin: options.stdin,
      timeoutMs: options.timeoutMs,
      maxOutputBytes: options.maxOutputBytes,
      maxValueBytes: this.options.maxValueBytes,
    };
    const activeRun: ActiveRun = { runSeq, ended: new AbortController(), requests: 0 };
    this.activeRun = activeRun;
    const { ending, abortRequested } = await raceRun(session, request, {
      selfTimed: this.language === 'javascript',
      signal: options.signal,
      disposed: this.disposedSignal.signal,
    }).finally(() => {
      this.activeRun = undefined;
      activeRun.ended.abort(new Error('the run ended'));
    });
    session.onOutput = undefined;

    if (ending.kind === 'stop') {
      // The worker did not answer: end it. The replacement starts in the background.
      this.retire(session, ending.status, ending.message, runSeq);
      return finish(stopped(ending.status, ending.message, streamed), !this.disposed);
    }
    const { runSeq: _seq, stateLost, engineDead, memoryBytes, ...result } = ending.result;
    peakMemoryBytes = memoryBytes;
    // Output normally arrives before the result on the same port; deliver any rest in order.
    deliver('stdout', result.stdout.slice(streamed.stdout.length));
    deliver('stderr', result.stderr.slice(streamed.stderr.length));
    if (engineDead) this.retire(session, 'crashed', result.error?.message ?? 'the engine failed', runSeq);
    // The engine only knows it was stopped; the host knows whether that was the clock or the caller.
    if ((result.status === 'timeout' || result.status === 'aborted') && result.status !== (abortRequested ? 'aborted' : 'timeout')) {
      const status = abortRequested ? 'aborted' : 'timeout';
      return finish({ ...result, ...stopped(status, status === 'aborted' ? 'the run was aborted' : 'the run passed its time limit and was stopped', result) }, Boolean(stateLost));
    }
    return finish(result, Boolean(stateLost || engineDead));
  }

  /** Reports a finished run and the limits it hit, to `onEvent`. */
  private reportRun(runSeq: number, result: RunResult, maxOutputBytes: number, peakMemoryBytes: number | undefined): void {
    // Measuring the output (up to megabytes) is only worth it for someone listening.
    if (!this.options.onEvent) return;
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    const stdoutBytes = bytes(result.stdout);
    const stderrBytes = bytes(result.stderr);
    const { status, durationMs, stateLost } = result;
    this.emit({ type: 'run-finished', runSeq, status, durationMs, stdoutBytes, stderrBytes, stateLost, ...(peakMemoryBytes !== undefined ? { peakMemoryBytes } : {}) });
    if (status === 'timeout' || status === 'memory') this.emit({ type: 'limit-hit', runSeq, limit: status });
    if (result.truncated) {
      // A cut stream ends within 3 bytes of its cap (never inside a UTF-8 character).
      const output = Math.max(stdoutBytes, stderrBytes) > maxOutputBytes - 4;
      this.emit({ type: 'limit-hit', runSeq, limit: output ? 'output' : 'value' });
    }
  }

  /** Fetches what `requests` need (host side: the frame cannot) and installs it in `session`. */
  private async install(session: FrameSession, requests: string[], lockBytes: ArrayBuffer): Promise<void> {
    const fail = (message: string, cause?: unknown) => new PackageError(message, { cause });
    let plan;
    try {
      plan = planPackages(readLockfile(lockBytes), requests, globalThis.document?.baseURI);
    } catch (error) {
      throw fail((error as Error).message);
    }
    const files = await fetchWheels(plan, this.options.packageIndexUrl, this.wheels, fail);
    const error = await session.installPackages({ files, requests: [...plan.names, ...plan.wheelUrls] });
    if (error) throw fail(`installing ${requests.join(', ')} failed: ${error}`);
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
    return this.enqueue(async () => {
      const session = await this.ensureSession();
      const assets = await loadAssets(this.language, this.options.assetsUrl);
      await this.install(session, requests, assets.files['pyodide-lock.json']!);
      for (const r of requests) if (!this.packages.includes(r)) this.packages.push(r);
    });
  }

  reset(): Promise<void> {
    if (this.disposed) return Promise.reject(new DisposedError());
    return this.enqueue(async () => {
      const session = await this.ensureSession();
      try {
        await session.reset();
      } catch (error) {
        if (!(error instanceof SessionEndedError)) throw error;
        await this.ensureSession();
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
 * Starts a sandbox: a hidden sandboxed iframe with a worker running the engine. Resolves once it
 * can run code. The caller owns the sandbox and must `dispose()` it (or `await using` it).
 *
 * Rejects with `TypeError`/`RangeError` for bad options, and `SandboxStartError` when the assets
 * cannot be loaded or the frame does not start (the message says which URL and why).
 *
 * @example
 * const sandbox = await createSandbox({ language: 'javascript', timeoutMs: 5000 });
 * const result = await sandbox.run('const xs = [1, 2, 3]; xs.map(x => x * 2)');
 * // result.status === 'ok', result.value deep-equals [2, 4, 6], result.text === '[ 2, 4, 6 ]'
 * await sandbox.dispose();
 */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const resolved = resolveSandboxOptions(options);
  if (typeof document === 'undefined') {
    throw new SandboxStartError('ai-sandbox runs in a browser page: no document here');
  }
  const sandbox = new SandboxImpl(resolved);
  try {
    await sandbox.start();
  } catch (error) {
    await sandbox.dispose();
    throw error;
  }
  return sandbox;
}
