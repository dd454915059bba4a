/**
 * Python in Pyodide. The interpreter loads from the bytes the host handed in (see asset-fetch.ts),
 * under the worker's memory budget; its `js` module is a curated object (js-globals.ts); the
 * sandbox's Python package (runtime/_ai_sandbox) evaluates each cell like a notebook and describes
 * its value and errors as plain JSON.
 *
 * A Python guest owns this worker's JavaScript scope (through `js`, `pyodide_js` and `pyodide.ffi`):
 * nothing here is a guarantee to the host. The frame checks and caps whatever this engine reports,
 * and a fresh interpreter (a fresh worker) is the only reset.
 *
 * Stopping: Pyodide polls an interrupt buffer while Python runs; the frame writes SIGINT into the
 * shared one when the host asks (cross-origin isolated pages), and the check raises SIGINT by itself
 * once the run's deadline has passed (every page). A cell that is awaiting is cancelled at its
 * await, by the worker's own timer or the host's cancel. Code that swallows the interrupt or sits
 * in one long C call is stopped by the host removing the frame.
 */
import { loadPyodide, type PyodideAPI } from 'pyodide';
import createPyodideModule from 'pyodide/pyodide.asm.mjs';
import bootstrapSource from './runtime/bootstrap.py?raw';
import { SNAPSHOT_FILE, type EngineOutcome, type FsRequest, type FsResult, type HostCallKind, type InstallRequest, type RunRequest } from '../../shared/protocol.js';
import type { RunOutput } from '../../shared/types.js';
import { runError } from '../../shared/run-errors.js';
import type { Engine, EngineInit, EngineRunResult, RunContext } from '../engine.js';
import { withAssetFetch } from './asset-fetch.js';
import { createHostFetch } from '../host-fetch.js';
import { guestFs, HOME } from './guest-fs.js';
import { MemoryBudget } from './memory-budget.js';
import { createJsGlobals, noNetwork } from './js-globals.js';
import { GuestTimers } from './guest-timers.js';
import { deadlineSlots, engineMemory, makeMemorySnapshot, onFatal, type DeadlineSlots, type SnapshotLoadOptions } from './pyodide-internals.js';

/** How long after a run's deadline busy Python interrupts itself (see `run`). */
const SELF_INTERRUPT_AFTER_MS = 50;

/** A URL that never resolves on the network; Pyodide's asset requests to it are answered locally. */
const INDEX_URL = 'https://ai-sandbox.invalid/pyodide/';

/** Captured before any guest code: a guest may replace the global one. */
const parseJson = JSON.parse;

/** The sandbox's Python modules by path below `runtime/`, written to {@link PYTHON_DIR} at start. */
const PYTHON_SOURCES = Object.fromEntries(
  Object.entries(import.meta.glob('./runtime/**/*.py', { query: '?raw', import: 'default', eager: true })).map(([path, source]) => [path.slice('./runtime/'.length), source]),
);
/** Where the sandbox's Python modules live in the interpreter's file system (bootstrap.py adds it to sys.path). */
const PYTHON_DIR = '/lib/ai_sandbox';

interface PySession {
  run(code: string, maxValueBytes: number): Promise<string>;
  configure_tools(names: string[], call: (name: string, args: string) => Promise<string>): void;
  configure_micropip(call: (args: string) => Promise<string>): void;
  take_outputs(): string;
  cancel(): void;
}

/** Writes the sandbox's Python modules into the interpreter and starts its session. */
function startRuntime(pyodide: PyodideAPI, importHints: Record<string, string>): PySession {
  for (const [path, source] of Object.entries(PYTHON_SOURCES)) {
    const file = `${PYTHON_DIR}/${path}`;
    pyodide.FS.mkdirTree(file.slice(0, file.lastIndexOf('/')));
    pyodide.FS.writeFile(file, source);
  }
  const start = pyodide.runPython(bootstrapSource) as ((hintsJson: string) => PySession) & { destroy(): void };
  try {
    return start(JSON.stringify(importHints));
  } finally {
    start.destroy();
  }
}

/** Streams one of Python's output streams to whatever run is current, decoding UTF-8 across writes. */
class StreamRelay {
  private decoder = new TextDecoder();
  target: ((text: string) => void) | undefined;
  write = (bytes: Uint8Array): number => {
    const text = this.decoder.decode(bytes, { stream: true });
    if (text) this.target?.(text);
    return bytes.length;
  };
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.target?.(rest);
    this.decoder = new TextDecoder();
  }
}

/** A loaded interpreter with the sandbox's Python package installed. Owned by the worker. */
export class PyodideEngine implements Engine {
  private readonly stdout = new StreamRelay();
  private readonly stderr = new StreamRelay();
  /** Where the rewritten signal check reads the run's deadline. */
  private readonly module: DeadlineSlots;
  private stdinLines: string[] = [];
  /** The run in progress; its tool calls go to the host. */
  private current: RunContext | undefined;
  /** Rejects the current run when Pyodide reports a fatal error (its run would never settle). */
  private onFatal: ((error: unknown) => void) | undefined;
  /** True when the interpreter was restored from a memory snapshot. */
  fromSnapshot = false;
  /** The snapshot taken at start (`snapshot: 'make'`), until handed over. */
  private snapshot: Uint8Array | undefined;
  /** The `pyodide.code` module, imported once (each `pyimport` makes a proxy of its own). */
  private codeModule: { find_imports(code: string): { toJs(): unknown; destroy(): void } } | undefined;

  private constructor(
    private readonly pyodide: PyodideAPI,
    private readonly session: PySession,
    private readonly budget: MemoryBudget,
    private readonly timers: GuestTimers,
    /**
     * The shared interrupt slots (isolated pages only): the number of the run the frame
     * interrupted (slot 0) and Pyodide's interrupt buffer (slot 1).
     */
    private readonly interrupt: { runSeq: Int32Array; buffer: Int32Array } | undefined,
  ) {
    this.module = deadlineSlots(pyodide);
    pyodide.setStdout({ write: this.stdout.write, isatty: false });
    pyodide.setStderr({ write: this.stderr.write, isatty: false });
    pyodide.setStdin({ stdin: () => this.stdinLines.shift() ?? null });
    // The frame writes SIGINT into the shared buffer (isolated pages); without shared memory the
    // buffer is the worker's own, and the signal check raises SIGINT at the run's deadline by
    // itself (the build rewrites Pyodide's check: scripts/pyodide-signal-check.ts).
    pyodide.setInterruptBuffer(interrupt?.buffer ?? new Int32Array(1));
    this.module.aiSandboxDeadline = 0;
    this.module.aiSandboxTicks = 0;
    // After a fatal error (the browser's stack ran out inside the interpreter) the run never settles.
    onFatal(pyodide, (error) => this.onFatal?.(error));
  }

  /**
   * Loads Pyodide from the handed-in files (from a memory snapshot when one is handed in; a
   * snapshot Pyodide refuses falls back to a normal start), then installs the sandbox's Python package.
   */
  static async create(init: EngineInit): Promise<PyodideEngine> {
    const budget = new MemoryBudget(init.config.memoryLimitBytes);
    budget.capWasmMemory();
    const lock = init.files['pyodide-lock.json'];
    if (!lock) throw new Error('pyodide-lock.json was not handed to the worker');
    const timers = new GuestTimers();
    let engine: PyodideEngine | undefined;
    const callHost = (kind: HostCallKind, name: string, args: string) =>
      engine?.current ? engine.current.callHost(kind, name, args) : Promise.reject(new Error('the host can only be called during a run'));
    // With a network grant, the guest's fetch (js.fetch, pyodide.http) goes through the host.
    const jsglobals = createJsGlobals(init.config.network ? createHostFetch(() => callHost) : noNetwork, timers);
    const snapshot = init.files[SNAPSHOT_FILE];
    const load = (extra: SnapshotLoadOptions | Record<string, never>) =>
      withAssetFetch(INDEX_URL, init.files, () =>
        loadPyodide({
          indexURL: INDEX_URL,
          lockFileContents: new TextDecoder().decode(lock),
          // Wheels of the distribution are "fetched" from here too; the host hands them in.
          packageBaseUrl: INDEX_URL,
          // Hands over the module factory instead of letting Pyodide import() it from the network.
          createPyodideModule,
          // matplotlib, when installed, draws with the sandbox's headless backend (runtime/_ai_sandbox_mpl.py).
          env: { HOME, MPLBACKEND: 'module://_ai_sandbox_mpl' },
          jsglobals,
          stdout: () => {},
          stderr: () => {},
          ...extra,
        } as Parameters<typeof loadPyodide>[0]),
      );
    let pyodide: PyodideAPI;
    let fromSnapshot = false;
    let taken: Uint8Array | undefined;
    if (init.config.snapshot === 'make') {
      pyodide = await load({ _makeSnapshot: true });
      // Taken before anything of ours is loaded: the state of a freshly started interpreter.
      taken = makeMemorySnapshot(pyodide);
    } else if (snapshot) {
      try {
        pyodide = await load({ _loadSnapshot: new Uint8Array(snapshot) });
        fromSnapshot = true;
      } catch {
        pyodide = await load({});
      }
    } else {
      pyodide = await load({});
    }
    pyodide.FS.chdir(HOME);
    const session = startRuntime(pyodide, init.config.importHints ?? {});
    // From here on, guest-made WebAssembly and files count toward the memory limit.
    budget.countEngineMemory(engineMemory(pyodide));
    budget.guardNewWasm();
    budget.countFiles(pyodide);
    const interrupt = init.interrupt && { runSeq: new Int32Array(init.interrupt, 0, 1), buffer: new Int32Array(init.interrupt, 4, 1) };
    engine = new PyodideEngine(pyodide, session, budget, timers, interrupt);
    engine.fromSnapshot = fromSnapshot;
    engine.snapshot = taken;
    session.configure_tools(init.config.toolNames, (name, args) => callHost('tool', name, args));
    if (init.config.micropip) session.configure_micropip((args) => callHost('install', '', args));
    return engine;
  }

  async run(request: RunRequest, context: RunContext): Promise<EngineRunResult> {
    // A SIGINT left from an earlier run is cleared; one the frame wrote for this run (an abort that
    // arrived before the run began) is kept: the frame put this run's number beside it.
    if (this.interrupt && Atomics.load(this.interrupt.runSeq, 0) !== request.runSeq) Atomics.store(this.interrupt.buffer, 0, 0);
    this.stdinLines = (request.stdin ?? '').split(/(?<=\n)/).filter((l) => l !== '');
    this.current = context;
    this.stdout.target = (t) => context.output.write('stdout', t);
    this.stderr.target = (t) => context.output.write('stderr', t);
    // The worker's own timer and the host's cancel can only act while Python awaits (the worker is
    // busy otherwise): they cancel the awaiting cell. They never write SIGINT, which could land
    // after the cell returned and break Pyodide's event loop while it hands back the result. Busy
    // code is interrupted by the signal check once the deadline has passed (SELF_INTERRUPT_AFTER_MS
    // late, so that a cell awaiting at the deadline is cancelled by the timer, which withdraws the
    // deadline), or through the shared buffer by the frame, or stopped by the host.
    this.module.aiSandboxDeadline = performance.now() + request.timeoutMs + SELF_INTERRUPT_AFTER_MS;
    const timer = setTimeout(() => {
      this.module.aiSandboxDeadline = 0;
      this.session.cancel();
    }, request.timeoutMs);
    let running = true;
    void context.whenCancelled.then(() => running && this.session.cancel());
    let json: string;
    try {
      const fatal = new Promise<never>((_, reject) => (this.onFatal = reject));
      json = await Promise.race([this.session.run(request.code, request.maxValueBytes), fatal]);
    } catch (error) {
      // A SIGINT that landed between the runner's last steps is still an interrupt.
      if ((error as { type?: unknown }).type === 'KeyboardInterrupt') return { outcome: { kind: 'interrupted', error: { name: 'KeyboardInterrupt', message: '' } } };
      // Not a Python exception (those come back as outcomes): the interpreter itself failed, e.g.
      // the browser's stack ran out inside it. It cannot be trusted again; the host replaces it.
      const message = error instanceof Error ? error.message : String(error);
      const stack = /call stack|stack overflow/i.test(message) ? ' (the browser stack ran out: the code recursed too deeply in C)' : '';
      return { outcome: { kind: 'failed', error: runError('engine', `the Python engine failed${stack}: ${message.slice(0, 500)}`) } };
    } finally {
      this.current = undefined;
      this.onFatal = undefined;
      running = false;
      clearTimeout(timer);
      this.module.aiSandboxDeadline = 0;
      // Timers the guest set through `js` end with the run (its asyncio tasks were cancelled by the runner).
      this.timers.clearAll();
      this.stdout.end();
      this.stderr.end();
      this.stdout.target = this.stderr.target = undefined;
    }
    const outputs = parseJson(this.session.take_outputs()) as RunOutput[];
    return { outcome: parseJson(json) as EngineOutcome, outputs };
  }

  /** Python is reset by starting a fresh interpreter in a fresh worker (see the host's reset). */
  async reset(): Promise<void> {
    throw new Error('a Python sandbox is reset with a fresh interpreter, not in place');
  }

  takeSnapshot(): Uint8Array | undefined {
    const taken = this.snapshot;
    this.snapshot = undefined;
    return taken;
  }

  memoryBytes(): number {
    return this.budget.usedBytes();
  }

  fs(request: FsRequest): FsResult {
    return guestFs(this.pyodide, request);
  }

  async installPackages(request: InstallRequest): Promise<string | null> {
    const errors: string[] = [];
    // What the packages unpack is the engine's, not the guest's (the guest's files stay counted).
    await this.budget.engineFiles(() =>
      withAssetFetch(INDEX_URL, request.files, () =>
        this.pyodide.loadPackage(request.requests, { messageCallback: () => {}, errorCallback: (m) => errors.push(m) }),
      ),
    );
    return errors.length ? errors.join('\n').slice(0, 2000) : null;
  }

  findImports(code: string): string[] {
    try {
      this.codeModule ??= this.pyodide.pyimport('pyodide.code') as NonNullable<PyodideEngine['codeModule']>;
      const found = this.codeModule.find_imports(code);
      const names = found.toJs();
      found.destroy();
      return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    } catch (error) {
      // Code that does not parse imports nothing yet; its run reports the SyntaxError.
      if ((error as { type?: unknown }).type === 'SyntaxError') return [];
      throw error;
    }
  }

  dispose(): void {
    // The interpreter goes with the worker.
  }
}
