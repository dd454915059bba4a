/**
 * The public `Sandbox`: owns its frame sessions (starts the first, replaces one a run gave up on
 * or that died, starts a fresh interpreter for Python's reset), queues runs and file and package
 * calls, and hands runs to its run pipeline (run-pipeline.ts). The main thread only ever waits on
 * messages; it never blocks on the guest.
 */
import { DisposedError, NotSupportedError, SandboxStartError } from '../shared/errors.js';
import { ASYNC_DISPOSE } from '../shared/dispose.js';
import { SNAPSHOT_FILE, type EngineConfig } from '../shared/protocol.js';
import type { Language, ProgressEvent, RunOptions, RunResult, Sandbox, SandboxFileSystem, SandboxOptions } from '../shared/types.js';
import { loadAssets, manifestAt, type BundledEngines, type EngineAssets, type Manifest } from './assets.js';
import type { SandboxEvent, SandboxEventInput } from '../shared/events.js';
import { FrameSession, SessionEndedError, type EndReason } from './frame-session.js';
import { dropSnapshot, findSnapshot, makeSnapshot } from './python-snapshot.js';
import { EgressGate } from './egress-gate.js';
import { PackageInstaller } from './packages/package-installer.js';
import { importNames, readLockfile } from './packages/packages.js';
import { createSandboxFs } from './sandbox-fs.js';
import { reportCallbackError } from './report-callback-error.js';
import { RunPipeline } from './run-pipeline.js';
import type { Restart } from './run-outcome.js';
import { resolveRunOptions, resolveSandboxOptions, type ResolvedRunOptions, type ResolvedSandboxOptions } from './options.js';
import { packageList } from './packages/package-options.js';

class SandboxImpl implements Sandbox {
  readonly language: Language;
  readonly fs: SandboxFileSystem;
  private session: FrameSession | undefined;
  private starting: Promise<FrameSession> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly disposedSignal = new AbortController();
  /** Decides, counts and audits everything the guest causes outside its realm. */
  private readonly gate: EgressGate;
  /** Python's installs. */
  private readonly installer: PackageInstaller;
  /** Runs code on the current session. */
  private readonly runs: RunPipeline;

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
    this.installer = new PackageInstaller({ options, gate: this.gate, progress: (event) => this.progress(event), emit });
    this.runs = new RunPipeline({
      options,
      gate: this.gate,
      installer: this.installer,
      disposed: this.disposedSignal.signal,
      session: () => this.ensureSession(),
      retire: (session, restart, runSeq) => this.retire(session, restart, runSeq),
      emit,
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
            session.dispose();
            throw error;
          }
        }
        this.progress({ phase: 'ready' });
        if (snapshotMode && !session.fromSnapshot) this.makeSnapshotLater(assets);
        return session;
      })
      .then((session) => {
        if (this.disposed) {
          session.dispose();
          throw new DisposedError();
        }
        this.session = session;
        session.onDropped = (channel, count, reason) => this.emit({ type: 'message-dropped', channel, count, reason });
        session.onHostCall = (call) => this.gate.hostCall(call);
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
    this.runs.stateLostBetweenRuns = true;
    this.emit({ type: 'sandbox-restarted', reason: 'crashed', message: reason.kind === 'crashed' ? reason.message : 'the frame was removed' });
    // Start the replacement now so the next run does not pay for it.
    if (!this.starting) this.startSession();
  }

  /**
   * Ends a session a run gave up on, and starts its replacement in the background. `message` is
   * the host's (or frame's) account; `detail` what the engine said, if anything.
   */
  private retire(session: FrameSession, { reason, message, detail }: Restart, runSeq: number): void {
    if (this.session === session) this.session = undefined;
    session.dispose();
    if (!this.disposed) this.emit({ type: 'sandbox-restarted', reason, message, runSeq, ...(detail && { detail }) });
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
    return this.enqueue(() => this.runs.run(code, resolved));
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
        session.dispose();
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
      this.runs.stateLostBetweenRuns = false;
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.emit({ type: 'sandbox-disposed' });
    this.disposed = true;
    this.disposedSignal.abort();
    this.session?.dispose();
    this.session = undefined;
    await this.starting?.catch(() => {});
  }

  [ASYNC_DISPOSE](): Promise<void> {
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
