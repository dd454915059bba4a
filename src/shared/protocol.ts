/**
 * The wire protocol between the host page, the sandboxed frame and the worker. Every message is
 * plain data with a string `type` tag, and every receiver checks it with a guard below before
 * acting: the far side of each boundary may be hostile, so anything else is dropped.
 *
 *   host ──FrameInit (postMessage to the iframe, once)──▶ frame
 *   frame ──WorkerInit (postMessage to the worker, once)──▶ worker
 *   host ◀──control port──▶ frame      interrupts in, worker failures out
 *   host ◀──rpc port──▶ worker         Comlink calls to WorkerApi, plus Output messages out
 */
import type { Language, RunError, RunOutput, RunStatus } from './types.js';

/** Tags the first message so a stray postMessage from elsewhere on the page is never mistaken for it. */
export const PROTOCOL = 'ai-sandbox/1';

/** Host → frame, once, with the ports transferred. The frame cannot fetch anything itself. */
export interface FrameInit {
  protocol: typeof PROTOCOL;
  type: 'init';
  /** The worker bundle's source; the frame starts it from a blob: URL (classic worker). */
  workerSource: string;
  /** The engine's files (wasm, standard library…) by name, transferred on to the worker. */
  files: EngineFiles;
  /** host ↔ frame: {@link ControlToFrame} in, {@link ControlToHost} out. */
  control: MessagePort;
  /** host ↔ worker: Comlink for {@link WorkerApi}, plus {@link OutputMessage} out. */
  rpc: MessagePort;
}

/** An engine's runtime files by name, e.g. `quickjs.wasm`. */
export type EngineFiles = Record<string, ArrayBuffer>;

/** Frame → worker, once. */
export interface WorkerInit {
  type: 'init';
  files: EngineFiles;
  rpc: MessagePort;
  /**
   * Present when the frame is cross-origin isolated. Int32 slot 0 holds the number of the run to
   * stop; slot 1 is Pyodide's interrupt buffer (2 = SIGINT). The frame writes both on interrupt.
   */
  interrupt?: SharedArrayBuffer;
}

/** Host → frame on the control port: stop the given run now (writes the shared interrupt slot). */
export interface InterruptMessage {
  type: 'interrupt';
  runSeq: number;
}
export type ControlToFrame = InterruptMessage;

/** Frame → host on the control port: the worker raised an error event or failed to start. */
export interface WorkerErrorMessage {
  type: 'worker-error';
  message: string;
}
/** Frame → host on the control port, once: whether the worker can be interrupted through shared memory. */
export interface FrameReadyMessage {
  type: 'frame-ready';
  sharedInterrupt: boolean;
}
export type ControlToHost = WorkerErrorMessage | FrameReadyMessage;

/** Which stream an output chunk belongs to. */
export type StreamName = 'stdout' | 'stderr';

/**
 * Worker → host on the rpc port: the guest asks the host for something it may grant: a tool call
 * (`name`, JSON arguments) or a network request (`args` is a {@link FetchRequest} as JSON). Only
 * plain data crosses, and the host parses and checks it itself.
 */
export interface HostCallMessage {
  type: 'host-call';
  callId: number;
  runSeq: number;
  kind: HostCallKind;
  name: string;
  args: string;
}

/** What a host call asks for. */
export type HostCallKind = 'tool' | 'fetch';

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

/** Host → worker on the rpc port: a host call's answer (JSON text) or its error message. */
export type HostReplyMessage =
  | { type: 'host-reply'; callId: number; ok: true; value: string }
  | { type: 'host-reply'; callId: number; ok: false; error: string };

/** Worker → host on the rpc port, while a run goes on. Chunks of one run arrive in order. */
export interface OutputMessage {
  type: 'output';
  runSeq: number;
  stream: StreamName;
  text: string;
}

/** What the host asks the worker to start. */
export interface EngineConfig {
  language: Language;
  memoryLimitBytes: number;
  /** Names of the host tools the guest may call (`tools.<name>(args)`). */
  toolNames: string[];
  /** Whether the guest gets a `fetch` that the host performs (network policy `allow`). */
  network: boolean;
  /** Python: import name → distribution package, for the hint when such an import fails. */
  importHints?: Record<string, string>;
  /**
   * Python: `'make'` starts an interpreter only to take a memory snapshot of it (no guest code
   * ever runs in it). A snapshot to start from comes as the file {@link SNAPSHOT_FILE}.
   */
  snapshot?: 'make';
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

/** One run, as the host sends it to the worker. */
export interface RunRequest {
  /** Increases with every run of a sandbox; ties output and interrupts to the run. */
  runSeq: number;
  code: string;
  /** Text that Python's input() reads line by line; EOFError when it runs out. */
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  maxValueBytes: number;
}

/** One run's outcome, as the worker reports it. The host adds `stateLost` and `durationMs`. */
export interface WorkerRunResult {
  runSeq: number;
  status: RunStatus;
  value?: unknown;
  text?: string;
  stdout: string;
  stderr: string;
  outputs: RunOutput[];
  error?: RunError;
  truncated?: boolean;
  /** The worker dropped all guest state to recover (e.g. after running out of memory). */
  stateLost?: boolean;
  /** The engine cannot run again; the host must replace the frame. */
  engineDead?: boolean;
  /** The engine's wasm memory after the run: its high-water mark, since wasm memory never shrinks. */
  memoryBytes?: number;
}

/** The only API the worker exposes over Comlink. Nothing on the host side is ever exposed. */
export interface WorkerApi {
  /** Loads the engine; resolves when it can run code. */
  start(config: EngineConfig): Promise<StartReport>;
  /** Python, started with `snapshot: 'make'`: the snapshot's bytes (transferred). */
  takeSnapshot(): Promise<Uint8Array>;
  run(request: RunRequest): Promise<WorkerRunResult>;
  /** Asks the run to stop at its next chance (effective while it waits on timers or promises). */
  cancel(runSeq: number): void;
  /** Fresh globals, same engine. */
  reset(): Promise<void>;
  /** One file operation in the guest's file system. */
  fs(request: FsRequest): Promise<FsResult>;
  /** Installs packages from wheels the host fetched; an error message, or null on success. */
  installPackages(request: InstallRequest): Promise<string | null>;
}

/** A file operation, as the host sends it. `data` only for `writeFile`. */
export type FsRequest =
  | { op: 'writeFile'; path: string; data: Uint8Array }
  | { op: 'readFile' | 'readdir' | 'remove'; path: string };

/** A file operation's outcome: data for reads, or the POSIX error name and a message. */
export type FsResult =
  | { ok: true; data?: Uint8Array | string[] }
  | { ok: false; errno: string; message: string };

/** Checks a file operation's outcome from the worker. */
export function isFsResult(v: unknown): v is FsResult {
  if (!isRecord(v)) return false;
  if (v.ok === true) {
    return v.data === undefined || v.data instanceof Uint8Array || (Array.isArray(v.data) && v.data.every((n) => typeof n === 'string'));
  }
  return v.ok === false && typeof v.errno === 'string' && typeof v.message === 'string';
}

// ---- guards -------------------------------------------------------------------------------

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isEngineFiles(v: unknown): v is EngineFiles {
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
    v.control instanceof MessagePort &&
    v.rpc instanceof MessagePort
  );
}

/** Checks the worker's one init message. */
export function isWorkerInit(v: unknown): v is WorkerInit {
  return (
    isRecord(v) &&
    v.type === 'init' &&
    isEngineFiles(v.files) &&
    v.rpc instanceof MessagePort &&
    (v.interrupt === undefined || v.interrupt instanceof SharedArrayBuffer)
  );
}

/** Checks a message the frame receives on its control port. */
export function isControlToFrame(v: unknown): v is ControlToFrame {
  return isRecord(v) && v.type === 'interrupt' && isCount(v.runSeq);
}

/** Checks a message the host receives on its control port. */
export function isControlToHost(v: unknown): v is ControlToHost {
  if (!isRecord(v)) return false;
  if (v.type === 'worker-error') return typeof v.message === 'string';
  if (v.type === 'frame-ready') return typeof v.sharedInterrupt === 'boolean';
  return false;
}

/** Checks a tool call the host receives on the rpc port. */
export function isHostCallMessage(v: unknown): v is HostCallMessage {
  return (
    isRecord(v) &&
    v.type === 'host-call' &&
    isCount(v.callId) &&
    isCount(v.runSeq) &&
    (v.kind === 'tool' || v.kind === 'fetch') &&
    typeof v.name === 'string' &&
    typeof v.args === 'string'
  );
}

/** Checks a tool reply the worker receives on the rpc port. */
export function isHostReplyMessage(v: unknown): v is HostReplyMessage {
  if (!isRecord(v) || v.type !== 'host-reply' || !isCount(v.callId)) return false;
  return v.ok === true ? typeof v.value === 'string' : v.ok === false && typeof v.error === 'string';
}

/** Checks an output chunk the host receives on the rpc port. */
export function isOutputMessage(v: unknown): v is OutputMessage {
  return (
    isRecord(v) &&
    v.type === 'output' &&
    isCount(v.runSeq) &&
    (v.stream === 'stdout' || v.stream === 'stderr') &&
    typeof v.text === 'string'
  );
}

const STATUSES: ReadonlySet<string> = new Set<RunStatus>(['ok', 'error', 'timeout', 'memory', 'crashed', 'aborted']);

function readRunError(v: unknown): RunError | undefined | null {
  if (v === undefined) return undefined;
  if (!isRecord(v) || typeof v.name !== 'string' || typeof v.message !== 'string') return null;
  if (v.stack !== undefined && typeof v.stack !== 'string') return null;
  if (v.line !== undefined && !isCount(v.line)) return null;
  const error: RunError = { name: v.name, message: v.message };
  if (v.stack !== undefined) error.stack = v.stack;
  if (v.line !== undefined) error.line = v.line;
  return error;
}

function readOutputs(v: unknown): RunOutput[] | null {
  if (!Array.isArray(v)) return null;
  const out: RunOutput[] = [];
  for (const item of v) {
    if (!isRecord(item) || typeof item.mime !== 'string' || typeof item.data !== 'string') return null;
    out.push({ mime: item.mime, data: item.data });
  }
  return out;
}

/**
 * Validates a run result from the worker and copies it field by field into a fresh object, so no
 * unexpected key (`__proto__` included) or type reaches the caller. Returns null if malformed.
 */
export function readWorkerRunResult(v: unknown): WorkerRunResult | null {
  if (!isRecord(v)) return null;
  const { runSeq, status, stdout, stderr, text, truncated, stateLost, engineDead, memoryBytes } = v;
  if (!isCount(runSeq) || typeof status !== 'string' || !STATUSES.has(status)) return null;
  if (typeof stdout !== 'string' || typeof stderr !== 'string') return null;
  if (text !== undefined && typeof text !== 'string') return null;
  if (truncated !== undefined && typeof truncated !== 'boolean') return null;
  if (stateLost !== undefined && typeof stateLost !== 'boolean') return null;
  if (engineDead !== undefined && typeof engineDead !== 'boolean') return null;
  if (memoryBytes !== undefined && !isCount(memoryBytes)) return null;
  const error = readRunError(v.error);
  const outputs = readOutputs(v.outputs);
  if (error === null || outputs === null) return null;
  const out: WorkerRunResult = { runSeq, status: status as RunStatus, stdout, stderr, outputs };
  if ('value' in v && v.value !== undefined) out.value = v.value;
  if (text !== undefined) out.text = text;
  if (error) out.error = error;
  if (truncated) out.truncated = true;
  if (stateLost) out.stateLost = true;
  if (engineDead) out.engineDead = true;
  if (memoryBytes !== undefined) out.memoryBytes = memoryBytes;
  return out;
}
