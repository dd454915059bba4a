/**
 * The wire protocol between the host page and the sandboxed frame. The frame is the boundary that
 * guest code cannot reach: it owns the worker (see `worker-protocol.ts`), relays its traffic, and
 * validates and caps everything the worker says before any of it reaches the host. The host still
 * checks every message from the frame with the guards below.
 *
 *   host ──FrameInit (postMessage to the iframe, once, ports transferred)──▶ frame
 *   host ──rpc port: Comlink calls to FrameApi (the frame exposes it; the host exposes nothing)──▶ frame
 *   host ◀──events port: FrameEvent (each run's output, host calls and end; the worker's end)── frame
 *   frame ◀──postMessage──▶ worker   (worker-protocol.ts; the worker never holds a host port)
 *
 * A run's stream is the events port alone: `output`… and `host-call`… in the order they happened,
 * then `run-ended` with its report. One port keeps its order, so the host has all of a run's
 * output when its report arrives, and the output crosses once.
 */
import type { Language, RunError, RunOutput } from './types.js';
import type { LimitName } from './events.js';

/** Tags the first message so a stray postMessage from elsewhere on the page is never mistaken for it. */
export const PROTOCOL = 'ai-sandbox/2';

/** An engine's runtime files by name, e.g. `quickjs.wasm`. */
export type EngineFiles = Record<string, ArrayBuffer>;

/** Host → frame, once, with the ports and files transferred. The frame cannot fetch anything itself. */
export interface FrameInit {
  protocol: typeof PROTOCOL;
  type: 'init';
  /** The worker bundle's source; the frame starts it from a blob: URL (classic worker). */
  workerSource: string;
  /** The engine's files (wasm, standard library…) by name, transferred on to the worker. */
  files: EngineFiles;
  /** Comlink calls to {@link FrameApi}; nothing else travels on it. */
  rpc: MessagePort;
  /** {@link FrameEvent}s from the frame. */
  events: MessagePort;
}

/** Which stream an output chunk belongs to. */
export type StreamName = 'stdout' | 'stderr';

/** What a host call asks for: a tool call, a network request the host performs, or a package install. */
export type HostCallKind = 'tool' | 'fetch' | 'install';

/**
 * The guest asks the host for something it may grant: a tool call (`name`, JSON arguments), a
 * network request (`args` is a {@link FetchRequest} as JSON) or, in Python with `micropip`, an
 * install (`args` is an {@link InstallCall} as JSON). The frame has checked that the run is going
 * on, the per-run count and the size of `args`; the host parses and checks the rest.
 */
export interface HostCall {
  callId: number;
  runSeq: number;
  kind: HostCallKind;
  name: string;
  args: string;
}

/** What guest code asks to install (`micropip.install`): requirements such as `"tabulate>=0.9"` (URLs are refused). */
export interface InstallCall {
  requirements: string[];
}

/** The host's answer to a {@link HostCall}: JSON text, or the error message the guest sees. */
export type HostReply = { callId: number; ok: true; value: string } | { callId: number; ok: false; error: string };

/** A network request as the guest makes it; the body is base64. */
export interface FetchRequest {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  body?: string;
}

/** A network response as the host hands it back; the body is base64. */
export interface FetchResponse {
  url: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string;
}

/** Frame → host on the events port. */
export type FrameEvent =
  /** Once, after the worker was started: whether runs can be interrupted through shared memory. */
  | { type: 'frame-ready'; sharedInterrupt: boolean }
  /** Output of the run in progress, already counted against its cap. Chunks arrive in order. */
  | { type: 'output'; runSeq: number; stream: StreamName; text: string }
  | ({ type: 'host-call' } & HostCall)
  /** The run in progress ended: the last message of its stream. */
  | { type: 'run-ended'; report: RunReport }
  /**
   * The worker is gone: it crashed, or the frame stopped it for breaking the protocol or its limits.
   * `message` is the frame's account (what the worker said, if anything, quoted and cut short).
   */
  | { type: 'worker-ended'; message: string; limit?: LimitName }
  /** Messages from the worker that failed validation and were dropped, summarized (at most a few per second). */
  | { type: 'dropped'; count: number; reason: string };

/** The limits a session's frame enforces on its worker, besides each run's own. */
export interface SessionLimits {
  /** Host calls (tools and network requests) per run. */
  maxHostCalls: number;
  /** Bytes of one tool call's JSON arguments. */
  maxToolArgumentBytes: number;
  /** Bytes of one network request as JSON (URL, headers, base64 body). */
  maxRequestBytes: number;
  /** Bytes of a file `fs.readFile` may hand back. */
  maxFileBytes: number;
}

/** What the host asks the frame (and the frame the worker) to start. */
export interface EngineConfig {
  language: Language;
  memoryLimitBytes: number;
  /** Names of the host tools the guest may call (`tools.<name>(args)`). */
  toolNames: string[];
  /** Whether the guest gets a `fetch` that the host performs (network policy `allow`). */
  network: boolean;
  /** Python: whether guest code gets `micropip.install`, which asks the host to install. */
  micropip?: boolean;
  /** Python: import name → distribution package, for the hint when such an import fails. */
  importHints?: Record<string, string>;
  /**
   * Python: `'make'` starts an interpreter only to take a memory snapshot of it (no guest code
   * ever runs in it). A snapshot to start from comes as the file {@link SNAPSHOT_FILE}.
   */
  snapshot?: 'make';
  /** Enforced by the frame; the worker never sees them. */
  limits: SessionLimits;
}

/** The name under which a Pyodide memory snapshot is handed to the worker, among its files. */
export const SNAPSHOT_FILE = 'pyodide-snapshot';

/** What starting the engine reports. */
export interface StartReport {
  /** True when the interpreter was restored from the snapshot it was handed. */
  fromSnapshot: boolean;
}

/** Wheels the host fetched, and what to install from them. */
export interface InstallRequest {
  /** Wheel bytes by lock-file file name or by URL. */
  files: EngineFiles;
  /** Lock-file package names and wheel URLs, as Pyodide's loadPackage takes them. */
  requests: string[];
}

/** One run, as the host sends it. */
export interface RunRequest {
  /** Increases with every run of a sandbox; ties output, host calls and interrupts to the run. */
  runSeq: number;
  code: string;
  /** Text that Python's input() reads line by line; EOFError when it runs out. */
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  maxValueBytes: number;
}

/**
 * What the engine says happened. It never decides the run's status: the host does (a guest can
 * raise KeyboardInterrupt itself, and only the host knows whether its clock or its caller stopped
 * the run).
 * - `returned`: the code finished; `valueJson` is the value's plain form as JSON, `text` its display,
 *   `truncated` when the engine left out or cut either to fit the cap.
 * - `threw`: the guest raised `error`; `memory` when the engine ran out of memory doing so.
 * - `interrupted`: the engine stopped the code at an interrupt (deadline, cancel or shared memory).
 * - `failed`: the engine itself broke and cannot run again; the session must be replaced.
 */
export type EngineOutcome =
  | { kind: 'returned'; valueJson?: string; text?: string; truncated?: boolean }
  | { kind: 'threw'; error: RunError; memory?: boolean }
  | { kind: 'interrupted'; error: RunError }
  | { kind: 'failed'; error: RunError };

/**
 * One run as the frame reports it to the host: the engine's account, checked and capped. Its
 * output is not repeated here: it came before, as `output` events on the same port.
 */
export interface RunReport {
  runSeq: number;
  outcome: EngineOutcome;
  outputs: RunOutput[];
  /** Limits the run hit; anything cut or left out because of them is gone. */
  limitsHit: LimitName[];
  /** The worker dropped all guest state to recover (e.g. QuickJS after running out of memory). */
  stateLost?: boolean;
  /** The frame ended the worker before it answered (it died, or broke its limits): a `failed` outcome is the frame's word, not the engine's. */
  workerEnded?: boolean;
  /** The engine's wasm memory after the run, a high-water mark (as the worker reports it). */
  memoryBytes?: number;
}

/** A file operation, as the host sends it. `data` only for `writeFile`. */
export type FsRequest =
  | { op: 'writeFile'; path: string; data: Uint8Array }
  | { op: 'readFile' | 'readdir' | 'remove'; path: string };

/** A file operation's outcome: data for reads, or the POSIX error name and a message. */
export type FsResult = { ok: true; data?: Uint8Array | string[] } | { ok: false; errno: string; message: string };

/**
 * The `name` of the error a {@link FrameApi} call rejects with when the frame stopped its worker
 * (it reports the end on the events port too; the two ports are not ordered, so either may come
 * first). Comlink carries an error's name and message, nothing else.
 */
export const WORKER_ENDED_ERROR = 'WorkerEndedError';

/** The only API the frame exposes over Comlink. Nothing on the host side is ever exposed. */
export interface FrameApi {
  /** Loads the engine in the worker; resolves when it can run code. */
  start(config: EngineConfig): Promise<StartReport>;
  /** Python, started with `snapshot: 'make'`: the snapshot's bytes (transferred). */
  takeSnapshot(): Promise<Uint8Array>;
  /** Starts a run; its output, host calls and report follow on the events port (`run-ended`). */
  run(request: RunRequest): void;
  /** Asks the run to stop at its next chance (effective while it waits on timers or promises). */
  cancel(runSeq: number): void;
  /** Stops the run through shared memory, even while the worker is busy (isolated frames only). */
  interrupt(runSeq: number): void;
  /** The host's answer to a host call. */
  answer(reply: HostReply): void;
  /** JavaScript: fresh globals in a fresh runtime, same worker. */
  reset(): Promise<void>;
  /** One file operation in the guest's file system. */
  fs(request: FsRequest): Promise<FsResult>;
  /** Installs packages from wheels the host fetched; an error message, or null on success. */
  installPackages(request: InstallRequest): Promise<string | null>;
  /** Python: the top-level modules `code` imports (Pyodide's `find_imports`), for installs from imports. */
  findImports(code: string): Promise<string[]>;
}

// ---- guards -------------------------------------------------------------------------------

type Rec = Record<string, unknown>;

/** Most modules one `findImports` answer may name, and the longest name. */
const MAX_MODULES = 256;

/** An answer of `findImports`: module names (dotted Python identifiers, e.g. `matplotlib.pyplot`), a bounded list. */
export function isModuleList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= MAX_MODULES && v.every((name) => typeof name === 'string' && name.length <= 200 && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(name));
}
/** True for objects (not null). */
export const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null;
/** True for non-negative safe integers. */
export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Checks a map of engine files: names to ArrayBuffers. */
export function isEngineFiles(v: unknown): v is EngineFiles {
  return isRecord(v) && Object.values(v).every((file) => file instanceof ArrayBuffer);
}

/** Checks the frame's one init message. */
export function isFrameInit(v: unknown): v is FrameInit {
  return (
    isRecord(v) &&
    v.protocol === PROTOCOL &&
    v.type === 'init' &&
    typeof v.workerSource === 'string' &&
    isEngineFiles(v.files) &&
    v.rpc instanceof MessagePort &&
    v.events instanceof MessagePort
  );
}

const LIMIT_NAMES: ReadonlySet<string> = new Set<LimitName>(['timeout', 'memory', 'output', 'value', 'messages', 'host-calls']);
const isStream = (v: unknown): v is StreamName => v === 'stdout' || v === 'stderr';

/** Whether a value names a {@link HostCallKind}. */
export const isHostCallKind = (v: unknown): v is HostCallKind => v === 'tool' || v === 'fetch' || v === 'install';

/** Checks a host call: the frame sends it, the host reads it. */
export function isHostCall(v: unknown): v is HostCall {
  return isRecord(v) && isCount(v.callId) && isCount(v.runSeq) && isHostCallKind(v.kind) && typeof v.name === 'string' && typeof v.args === 'string';
}

/** Checks a message the host receives on the events port. */
export function isFrameEvent(v: unknown): v is FrameEvent {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'frame-ready':
      return typeof v.sharedInterrupt === 'boolean';
    case 'output':
      return isCount(v.runSeq) && isStream(v.stream) && typeof v.text === 'string';
    case 'host-call':
      return isHostCall(v);
    case 'run-ended':
      // Checked field by field when it is read (readRunReport).
      return isRecord(v.report);
    case 'worker-ended':
      return typeof v.message === 'string' && (v.limit === undefined || LIMIT_NAMES.has(v.limit as string));
    case 'dropped':
      return isCount(v.count) && typeof v.reason === 'string';
    default:
      return false;
  }
}

/** Checks a host reply: the host sends it, the frame reads it. */
export function isHostReply(v: unknown): v is HostReply {
  if (!isRecord(v) || !isCount(v.callId)) return false;
  return v.ok === true ? typeof v.value === 'string' : v.ok === false && typeof v.error === 'string';
}

/** Copies a RunError field by field, or null when malformed. */
export function readRunError(v: unknown): RunError | null {
  if (!isRecord(v) || typeof v.name !== 'string' || typeof v.message !== 'string') return null;
  if (v.stack !== undefined && typeof v.stack !== 'string') return null;
  if (v.line !== undefined && !isCount(v.line)) return null;
  const error: RunError = { name: v.name, message: v.message };
  if (v.stack !== undefined) error.stack = v.stack;
  if (v.line !== undefined) error.line = v.line;
  return error;
}

/** Copies an engine outcome field by field, or null when malformed. */
export function readOutcome(v: unknown): EngineOutcome | null {
  if (!isRecord(v)) return null;
  if (v.kind === 'returned') {
    if (v.valueJson !== undefined && typeof v.valueJson !== 'string') return null;
    if (v.text !== undefined && typeof v.text !== 'string') return null;
    if (v.truncated !== undefined && typeof v.truncated !== 'boolean') return null;
    const out: EngineOutcome = { kind: 'returned' };
    if (v.valueJson !== undefined) out.valueJson = v.valueJson;
    if (v.text !== undefined) out.text = v.text;
    if (v.truncated) out.truncated = true;
    return out;
  }
  if (v.kind !== 'threw' && v.kind !== 'interrupted' && v.kind !== 'failed') return null;
  const error = readRunError(v.error);
  if (!error) return null;
  if (v.kind === 'threw') {
    if (v.memory !== undefined && typeof v.memory !== 'boolean') return null;
    return v.memory ? { kind: 'threw', error, memory: true } : { kind: 'threw', error };
  }
  return { kind: v.kind, error };
}

/** Copies rich outputs, or null when malformed. */
export function readOutputs(v: unknown): RunOutput[] | null {
  if (!Array.isArray(v)) return null;
  const out: RunOutput[] = [];
  for (const item of v) {
    if (!isRecord(item) || typeof item.mime !== 'string' || typeof item.data !== 'string') return null;
    out.push({ mime: item.mime, data: item.data });
  }
  return out;
}

/**
 * Validates a run report from the frame and copies it field by field into a fresh object, so no
 * unexpected key (`__proto__` included) or type reaches the caller. Returns null if malformed.
 */
export function readRunReport(v: unknown): RunReport | null {
  if (!isRecord(v)) return null;
  const { runSeq, stateLost, workerEnded, memoryBytes, limitsHit } = v;
  if (!isCount(runSeq)) return null;
  if (stateLost !== undefined && typeof stateLost !== 'boolean') return null;
  if (workerEnded !== undefined && typeof workerEnded !== 'boolean') return null;
  if (memoryBytes !== undefined && !isCount(memoryBytes)) return null;
  if (!Array.isArray(limitsHit) || !limitsHit.every((l) => LIMIT_NAMES.has(l as string))) return null;
  const outcome = readOutcome(v.outcome);
  const outputs = readOutputs(v.outputs);
  if (!outcome || !outputs) return null;
  const out: RunReport = { runSeq, outcome, outputs, limitsHit: [...new Set(limitsHit as LimitName[])] };
  if (stateLost) out.stateLost = true;
  if (workerEnded) out.workerEnded = true;
  if (memoryBytes !== undefined) out.memoryBytes = memoryBytes;
  return out;
}

/** Checks a file operation's outcome. */
export function isFsResult(v: unknown): v is FsResult {
  if (!isRecord(v)) return false;
  if (v.ok === true) {
    return v.data === undefined || v.data instanceof Uint8Array || (Array.isArray(v.data) && v.data.every((n) => typeof n === 'string'));
  }
  return v.ok === false && typeof v.errno === 'string' && typeof v.message === 'string';
}
