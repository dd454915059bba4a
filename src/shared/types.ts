/**
 * The public types of ai-sandbox. Everything here crosses into user code; nothing here holds a
 * resource. The wire protocol between the host and the sandbox lives in `protocol.ts`.
 */
import type { SandboxEvent } from './events.js';

/** The languages a sandbox can run. */
export type Language = 'javascript' | 'python';

/**
 * Start-up progress: `download` while the engine's files are fetched (`loaded`/`total` bytes;
 * `total` is absent when the server sends no Content-Length), `start` while the engine boots,
 * `packages` while Python packages are installed (`loaded`/`total` wheels), then `ready`. Reported
 * again when the engine is restarted, and (`packages`, then `ready`) when `autoInstall` installs
 * what a run imports.
 */
export interface ProgressEvent {
  phase: 'download' | 'start' | 'packages' | 'ready';
  loaded?: number;
  total?: number;
}

/** Options for {@link createSandbox}. Every field is validated; a wrong type throws `TypeError`. */
export interface SandboxOptions {
  /** Which engine to start. */
  language: Language;
  /** Default wall-clock limit of one run, in milliseconds. Default 30000. */
  timeoutMs?: number;
  /**
   * Memory the guest may use, in MiB. JavaScript: QuickJS's heap, default 256. Python: the whole
   * interpreter's wasm memory (about 40 MB of it is Python itself), default 512.
   */
  memoryLimitMB?: number;
  /**
   * Where `frame.htm`, `worker.js` and `quickjs.wasm` are served. Default: beside the module
   * that was imported (`import.meta.url`). Must be on the host page's origin unless the server
   * sends CORS headers for the host page.
   */
  assetsUrl?: string | URL;
  /** Cap of stdout and of stderr for one run, each in UTF-8 bytes. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Cap of the returned value's plain form (as JSON), of its text and of rich outputs, in UTF-8 bytes. Default 1 MiB. */
  maxValueBytes?: number;
  /** Tool calls and network requests one run may make; the ones past it fail in the guest. Default 1000. */
  maxToolCalls?: number;
  /** Cap of one tool call's arguments, as JSON, in UTF-8 bytes; a larger call fails in the guest. Default 1 MiB. */
  maxToolArgumentBytes?: number;
  /** Largest file `sandbox.fs.readFile` hands back (`SandboxFileError` with `EFBIG` past it). Default 64 MiB. */
  maxFileBytes?: number;
  /**
   * Python: packages to install before the sandbox is ready (and again after any restart or reset): names
   * from Pyodide's distribution (`numpy`, `pandas`…, dependencies included; needs
   * `packageIndexUrl`), requirements such as `"attrs>=23"` resolved on `pypiIndexUrl`, or URLs of
   * wheels.
   */
  packages?: string[];
  /**
   * Python: the folder that holds the Pyodide distribution's wheels (a full Pyodide release you
   * host, or a CDN your app chooses). Nothing is fetched from anywhere unless you set it.
   */
  packageIndexUrl?: string | URL;
  /**
   * Python: a PyPI-compatible index (the base of its JSON API, e.g. `pypiUrl`,
   * `https://pypi.org/pypi/`) for the packages the Pyodide distribution lacks. `packages` and
   * `installPackages` then take requirements (`"name"`, `"name>=1.2,<2"`, `"name[extra]"`) and
   * resolve them as micropip does, on the host page: the newest release with a pure-Python wheel
   * (`*-none-any`) for this Python, dependencies from its metadata (markers evaluated for
   * Pyodide), distribution packages from `packageIndexUrl` when it is set. Each wheel is checked
   * against the sha256 the index lists. The page fetches the index's JSON and files (its CSP needs
   * `connect-src` for both, e.g. `https://pypi.org https://files.pythonhosted.org`). `autoInstall`
   * does not consult it: import names are not project names. Nothing is fetched unless you set it.
   */
  pypiIndexUrl?: string | URL;
  /**
   * Python: before each run, read the modules the code's import statements name (on the host,
   * from the code's text; Pyodide's `find_imports` may only drop names that are no real import) and
   * install the ones the package index provides and the sandbox lacks, dependencies included (and
   * allowed by `allowPackages`, when given); then run. Reported through `onProgress` (`packages` phase) and a `packages-installed` event. Imports
   * the index does not have are left to the run (a `ModuleNotFoundError` with a hint). Needs
   * `packageIndexUrl`. Default false.
   */
  autoInstall?: boolean;
  /**
   * Python: guest code may install packages itself: `import micropip; await micropip.install("tabulate")`
   * (micropip's signature, this library's module) asks the host page, which installs from
   * `packageIndexUrl` and `pypiIndexUrl` as `installPackages` does, during the run, and again after
   * engine restarts (not after `reset()`). Requirements only: URLs, `index_urls` and `credentials`
   * are refused, and with `network: 'none'` every install unless `allowPackages` allows it. A refusal raises
   * `micropip.InstallError` (a `ValueError`) with the `PackageError`'s message; each install is a
   * `packages-installed` event with `reason: 'micropip'`. Needs one of the two indexes. Default false.
   */
  micropip?: boolean;
  /**
   * Python: which projects guest code may have installed, through `micropip.install` or
   * `autoInstall`: `'any'`, a list of project names (compared as PEP 503 names: `Foo_Bar` is
   * `foo-bar`), or a predicate on the normalized name. Dependencies of an allowed project are
   * allowed with it. Installs are network traffic (a name becomes a URL the page fetches), so
   * without this option `micropip` installs are refused unless the app granted `network` access,
   * and `autoInstall` installs what the code imports (distribution packages only). Each request,
   * refused or not, is a `package-request` event. The app's own `packages` and `installPackages`
   * are not asked about.
   */
  allowPackages?: 'any' | string[] | ((name: string) => boolean);
  /** Python: caps of the installs guest code causes, and of the wheels an engine is given. */
  packageLimits?: PackageLimits;
  /** Python: how long fetching the wheels of one install may take, in milliseconds; then `PackageError`. Default 120000. */
  packageTimeoutMs?: number;
  /** Called as the sandbox starts (Python takes seconds: show a progress bar). */
  onProgress?(event: ProgressEvent): void;
  /**
   * Python: start interpreters from a memory snapshot of a freshly started one (several times
   * faster than a full start). The first start on a page is a full one, after which a snapshot is
   * made in the background and kept for the page; restarts, and other sandboxes with this option,
   * start from it. `'persistent'` also keeps it in the page's Cache Storage for later visits.
   * Default false. Snapshots hold no guest state: they are taken before any guest code runs.
   */
  snapshot?: boolean | 'persistent';
  /** Receives audit events: lifecycle, runs, limits hit, tool calls, messages dropped at a boundary. */
  onEvent?(event: SandboxEvent): void;
  /**
   * Host functions the guest may call during a run, as `await tools.name(args)` in both languages.
   * Arguments and results cross as JSON (plain data, copied); a thrown error reaches the guest as
   * an error with its message. `signal` aborts when the run ends, so a slow tool can stop.
   */
  tools?: Record<string, Tool>;
  /**
   * Network access. `'none'` (the default): nothing the guest does reaches any server. `{ allow }`:
   * the guest gets `fetch` (JavaScript; Python's `js.fetch` and `pyodide.http.pyfetch` work too),
   * and the host page performs each request after checking it against `allow`: exact origins
   * (`'https://api.example.com'`) or subdomain patterns (`'*.example.com'`). No cookies or auth are
   * attached, redirects are not followed, and requests, time and response size are capped.
   */
  network?: 'none' | { allow: string[]; timeoutMs?: number; maxResponseBytes?: number; maxRequestBytes?: number; maxRequests?: number };
}

/** Caps of Python installs (see {@link SandboxOptions.packageLimits}); past one, the install fails with `PackageError`. */
export interface PackageLimits {
  /** Install requests guest code may cause in one run (each `micropip.install` call, and autoInstall's one). Default 10. */
  maxInstallsPerRun?: number;
  /** Projects new to the engine (dependencies included) that the installs of one run may bring. Default 100. */
  maxProjectsPerRun?: number;
  /** Wheel bytes one install may fetch. Default 512 MiB. */
  maxInstallBytes?: number;
  /** Wheel bytes one engine may be given in all (its start's installs, and every later one). Default 1 GiB. */
  maxTotalBytes?: number;
}

/** A host function the guest can call: see {@link SandboxOptions.tools}. */
export type Tool = (args: unknown, context: { signal: AbortSignal }) => unknown;

/** Options for one {@link Sandbox.run}. */
export interface RunOptions {
  /** Wall-clock limit of this run in milliseconds; overrides the sandbox's `timeoutMs`. */
  timeoutMs?: number;
  /** Aborting it ends the run with status `aborted`. */
  signal?: AbortSignal;
  /** Called with each piece of stdout while the run goes on (also collected in the result). */
  onStdout?(text: string): void;
  /** Called with each piece of stderr while the run goes on (also collected in the result). */
  onStderr?(text: string): void;
  /** Overrides the sandbox's `maxOutputBytes` for this run. */
  maxOutputBytes?: number;
  /** Python: what `input()` reads, line by line; `EOFError` when it runs out. Ignored by JavaScript. */
  stdin?: string;
}

/**
 * How a run ended.
 * - `ok`: the code finished; `value`/`text` hold its last expression.
 * - `error`: the guest threw (or did not compile); see `error`.
 * - `timeout`: the run passed its time limit.
 * - `memory`: the guest passed its memory limit.
 * - `crashed`: the engine died; it was restarted and `stateLost` is true.
 * - `aborted`: the caller's `signal` aborted the run.
 */
export type RunStatus = 'ok' | 'error' | 'timeout' | 'memory' | 'crashed' | 'aborted';

/** A guest error, as plain data (no live references). */
export interface RunError {
  /** The error's class name, e.g. `TypeError`. */
  name: string;
  message: string;
  /** The guest's stack trace, capped in length. */
  stack?: string;
  /** 1-based line in the submitted code where the error was raised, when known. */
  line?: number;
}

/**
 * A rich output of a run, e.g. a chart: Python's `display(obj)`, the last expression's
 * `_repr_png_`/`_repr_svg_`/`_repr_html_`/`_repr_markdown_`/`_repr_latex_`/`_repr_json_` (the
 * richest one an object offers), or an open matplotlib figure. `data` is base64 for images.
 * Render `text/html` only in a sandboxed frame of your own: it is guest-written markup.
 */
export interface RunOutput {
  mime: string;
  data: string;
}

/** The outcome of one run. Guest failures are results like this one, never thrown. */
export interface RunResult {
  status: RunStatus;
  /** The last expression's value as plain (JSON-like) data; absent for `undefined` or no plain form. */
  value?: unknown;
  /** How a REPL would display the value; absent when the value is `undefined`. */
  text?: string;
  stdout: string;
  stderr: string;
  /** Rich outputs in the order they were made (always empty for JavaScript). */
  outputs: RunOutput[];
  /**
   * Present when `status` is not `ok`. The guest's own error for `error` and `memory`; for the
   * others, one the library names: `TimeoutError`, `AbortError`, and for `crashed` `CrashError`
   * (the worker died or was stopped without the engine's word), `EngineError` (the engine said it
   * broke) or `BridgeError` (the worker broke the protocol). ``RUN_ERROR` lists them.
   */
  error?: RunError;
  /**
   * Who decided `status`. `'host'`: the host page's clock (`timeout`), the caller (`aborted`), or
   * the frame stopping a worker that died or broke its limits (`crashed`), whatever guest code did.
   * `'engine'`: the engine's own account (`ok`, `error`, `memory`, or a `crashed` the engine
   * reported): a hostile guest can make its engine say these about itself, but never a late `ok`,
   * since a report that arrives past the time limit is a `timeout`.
   */
  decidedBy: 'host' | 'engine';
  /** True when the engine had to be restarted and the guest's globals are gone. */
  stateLost: boolean;
  /**
   * Wall-clock time of the run as the host saw it, in milliseconds, from sending it to its engine
   * (after any restart or autoInstall it waited for) to its end: the clock its status is judged
   * by. 0 for a run that never reached its engine.
   */
  durationMs: number;
  /** True when stdout, stderr, the value or its text hit a cap and was cut. */
  truncated?: boolean;
}

/**
 * Files in the guest's in-memory file system. Relative paths are resolved against the guest's
 * home folder (`/home/user`), which is also its working directory. Failures reject with
 * `SandboxFileError`, whose `errno` says why (`ENOENT`, `EISDIR`, …). Files do not survive a
 * restart of the engine (see `RunResult.stateLost`).
 */
export interface SandboxFileSystem {
  /** Writes a file (UTF-8 for strings), creating missing parent folders. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  /** The file's bytes. */
  readFile(path: string): Promise<Uint8Array>;
  /** The names in a folder, sorted, without `.` and `..`. */
  readdir(path: string): Promise<string[]>;
  /** Removes a file, or a folder with everything in it. */
  remove(path: string): Promise<void>;
}

/**
 * One isolated engine. Owned by whoever called {@link createSandbox}: call `dispose()` (or use
 * `await using`) when done, or the iframe and worker stay alive.
 */
export interface Sandbox {
  /** The language this sandbox runs. */
  readonly language: Language;
  /**
   * Runs `code` and resolves with its result. Calls on one sandbox run one after another in call
   * order. Rejects only for misuse (`TypeError`, `DisposedError`) or if the engine cannot be
   * started again (`SandboxStartError`).
   */
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /**
   * Leaves nothing of earlier runs: JavaScript gets a fresh runtime (globals, changed built-ins,
   * timers gone); Python a fresh interpreter in a fresh worker with exactly the sandbox's
   * `packages` (globals, modules, files, packages installed since by `installPackages`, micropip or
   * autoInstall, and anything the guest did to the worker gone; this takes a Python start, shorter
   * with `snapshot`). Waits for queued runs.
   */
  reset(): Promise<void>;
  /**
   * Python: installs packages (see `SandboxOptions.packages`); they are installed again after an
   * engine restart, until `reset()`. Rejects with `PackageError` (and `NotSupportedError` for JavaScript).
   */
  installPackages(names: string[]): Promise<void>;
  /**
   * The guest's in-memory file system (Python only; JavaScript guests have none, and every call
   * rejects with `NotSupportedError`). Calls wait for queued runs, like `run()`.
   */
  readonly fs: SandboxFileSystem;
  /** Removes the iframe and worker. Idempotent. Pending runs end with status `aborted`. */
  dispose(): Promise<void>;
  /** Same as `dispose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Options for {@link createSandboxPool}: every {@link SandboxOptions} field (given to each sandbox
 * the pool starts), plus the pool's own. A Python pool starts its sandboxes with `snapshot: true`
 * unless told otherwise, since every hand-off starts a fresh interpreter.
 */
export interface SandboxPoolOptions extends SandboxOptions {
  /** Sandboxes kept started and idle, ready to hand out at once. Default 1; 0 starts them on demand. */
  size?: number;
  /** Most sandboxes alive at once, idle and acquired together; `acquire()` waits past it. Default `size + 4`. */
  maxSize?: number;
  /** A sandbox is replaced by a fresh one after this many runs. Default 100. */
  maxRunsPerSandbox?: number;
  /** An idle sandbox unused for this long is disposed (and started again on demand). Default: never. */
  idleTimeoutMs?: number;
  /**
   * Reset a released sandbox before it is handed out again. Default true. A reset leaves nothing
   * of the last user (for Python it starts a fresh interpreter; see `Sandbox.reset`); turn it off
   * only when every user of the pool may see what the previous one left.
   */
  resetOnRelease?: boolean;
}

/** How many sandboxes a pool holds, by state. */
export interface SandboxPoolStats {
  /** Started and waiting to be acquired. */
  idle: number;
  /** Handed out and not yet released. */
  acquired: number;
  /** Being started (or reset before going back to idle). */
  starting: number;
}

/**
 * Sandboxes of one language, started ahead of need so a run does not wait for an engine to load.
 * A sandbox that crashed, lost its state (a timeout that needed a restart), or ran
 * `maxRunsPerSandbox` times is disposed on release and replaced in the background.
 */
export interface SandboxPool {
  readonly language: Language;
  /** The pool's current contents. */
  readonly stats: SandboxPoolStats;
  /** Resolves once `size` sandboxes are idle; rejects if starting one fails, or with `DisposedError` if the pool is disposed first. */
  warm(): Promise<void>;
  /**
   * Hands out a sandbox for the caller's sole use until {@link SandboxPool.release}: an idle one at
   * once, else a new one, else (at `maxSize`) the next one released. `signal` gives up waiting.
   * What it resolves with is a lease: a handle of this acquirer's own (no two acquirers ever hold
   * the same object) that stops working when it is released: every call on it then rejects with
   * `DisposedError`, so an old reference can never reach the next user's sandbox.
   */
  acquire(options?: { signal?: AbortSignal }): Promise<Sandbox>;
  /**
   * Gives an acquired sandbox (its lease) back; resolves once it is reset or replaced. The lease
   * is revoked at once. After `dispose()` it does nothing (the pool disposed every sandbox already).
   */
  release(sandbox: Sandbox): Promise<void>;
  /** Acquires a sandbox, runs `code` on it, and releases it (reset for the next user). */
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** Disposes every sandbox, acquired ones included. Waiting `acquire()` calls reject with `DisposedError`. */
  dispose(): Promise<void>;
  /** Same as `dispose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
