/**
 * The wire protocol between the frame and its worker. The worker runs guest code and a Python guest
 * owns its whole JavaScript scope, so the frame treats every message from it as hostile: it checks
 * the shape here and the sizes and rates in `src/frame/`, and stops the worker when it breaks them.
 * The worker holds no port to the host; this `postMessage` pair is its only way out.
 *
 *   frame ──WorkerInit (once)──▶ worker
 *   frame ──call / cancel / host-reply / ping──▶ worker
 *   frame ◀──ack, reply / output / host-call / pong── worker
 *
 * Every call is acknowledged at once and answered later; a worker that does not acknowledge in
 * time is stuck (busy with work a guest left running) and is stopped.
 */
import { isCount, isHostCallKind, isRecord, type EngineConfig, type EngineFiles, type FsRequest, type HostCallKind, type HostReply, type InstallRequest, type RunRequest, type StreamName } from './protocol.js';
import type { RunOutput } from './types.js';
import type { EngineOutcome } from './protocol.js';

/** Frame → worker, once. */
export interface WorkerInit {
  type: 'init';
  files: EngineFiles;
  /**
   * Present when the frame is cross-origin isolated. Int32 slot 0 holds the number of the run to
   * stop; slot 1 is Pyodide's interrupt buffer (2 = SIGINT). The frame writes both on interrupt.
   */
  interrupt?: SharedArrayBuffer;
}

/** The engine configuration the worker sees: the host's, minus what only the frame enforces. */
export type WorkerConfig = Omit<EngineConfig, 'limits'>;

/** One run's outcome as the worker reports it; the frame adds the output it counted. */
export interface WorkerRunReply {
  outcome: EngineOutcome;
  outputs: RunOutput[];
  /** The worker dropped all guest state to recover. */
  stateLost?: boolean;
  memoryBytes?: number;
  /** The worker cut output at the run's cap before sending it (the frame only sees what was sent). */
  outputCut?: boolean;
}

/** The worker's methods, by name, with what each takes and answers. */
export interface WorkerMethods {
  start: [WorkerConfig, { fromSnapshot: boolean }];
  takeSnapshot: [undefined, Uint8Array];
  run: [RunRequest, WorkerRunReply];
  reset: [undefined, undefined];
  fs: [FsRequest, unknown];
  installPackages: [InstallRequest, string | null];
  findImports: [string, string[]];
}
export type WorkerMethod = keyof WorkerMethods;

/** Frame → worker. */
export type ToWorker =
  | { type: 'call'; id: number; method: WorkerMethod; arg: unknown }
  | { type: 'cancel'; runSeq: number }
  | ({ type: 'host-reply' } & HostReply)
  | { type: 'ping'; id: number };

/** Worker → frame. */
export type FromWorker =
  /** First, once the worker's script runs: the frame holds back init and calls until then. */
  | { type: 'loaded' }
  | { type: 'ack'; id: number }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'output'; runSeq: number; stream: StreamName; text: string }
  | { type: 'host-call'; callId: number; runSeq: number; kind: HostCallKind; name: string; args: string }
  | { type: 'pong'; id: number };

const METHODS: ReadonlySet<string> = new Set<WorkerMethod>(['start', 'takeSnapshot', 'run', 'reset', 'fs', 'installPackages', 'findImports']);

/** Checks the worker's one init message. */
export function isWorkerInit(v: unknown): v is WorkerInit {
  return (
    isRecord(v) &&
    v.type === 'init' &&
    isRecord(v.files) &&
    Object.values(v.files).every((f) => f instanceof ArrayBuffer) &&
    (v.interrupt === undefined || (typeof SharedArrayBuffer === 'function' && v.interrupt instanceof SharedArrayBuffer))
  );
}

/** Checks a message the worker receives (the worker's own sanity check; the frame is trusted). */
export function isToWorker(v: unknown): v is ToWorker {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'call':
      return isCount(v.id) && METHODS.has(v.method as string);
    case 'cancel':
      return isCount(v.runSeq);
    case 'host-reply':
      return isCount(v.callId) && (v.ok === true ? typeof v.value === 'string' : v.ok === false && typeof v.error === 'string');
    case 'ping':
      return isCount(v.id);
    default:
      return false;
  }
}

/**
 * Checks the shape of a message the frame receives from the worker. Sizes and whether it fits the
 * run in progress are the frame's next checks; a reply's value is checked by its call.
 * Returns a short reason when the message is refused, or null when it has the right shape.
 */
export function whyNotFromWorker(v: unknown): string | null {
  if (!isRecord(v)) return `a ${v === null ? 'null' : typeof v}`;
  if (Object.getPrototypeOf(v) !== Object.prototype) return 'an object that is not plain';
  switch (v.type) {
    case 'loaded':
      return null;
    case 'ack':
    case 'pong':
      return isCount(v.id) ? null : `a malformed ${v.type}`;
    case 'reply':
      return isCount(v.id) && (v.ok === true || (v.ok === false && typeof v.error === 'string')) ? null : 'a malformed reply';
    case 'output':
      return isCount(v.runSeq) && (v.stream === 'stdout' || v.stream === 'stderr') && typeof v.text === 'string' ? null : 'malformed output';
    case 'host-call':
      return isCount(v.callId) && isCount(v.runSeq) && isHostCallKind(v.kind) && typeof v.name === 'string' && typeof v.args === 'string'
        ? null
        : 'a malformed host call';
    default:
      return typeof v.type === 'string' ? `unknown type ${JSON.stringify(v.type.slice(0, 40))}` : 'an object without a type';
  }
}
