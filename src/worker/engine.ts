/**
 * The seam between the worker's API and a language engine. One engine per worker; the worker API
 * serializes calls, so an engine never sees two runs at once. Engines say what happened (returned,
 * threw, interrupted, failed); the host decides what status that is.
 */
import type { EngineFiles, FsRequest, FsResult, HostCallKind, InstallRequest, RunRequest } from '../shared/protocol.js';
import type { WorkerConfig, WorkerRunReply } from '../shared/worker-protocol.js';
import type { RunError } from '../shared/types.js';
import type { OutputBatcher } from '../shared/output-batcher.js';

/** What an engine gets for one run besides the request. */
export interface RunContext {
  /** The run's stdout and stderr, capped and batched to the frame. */
  output: OutputBatcher;
  /** True once the host asked this run to stop. */
  readonly cancelled: boolean;
  /** Resolves when the host asks this run to stop; lets an engine stop waiting on timers. */
  readonly whenCancelled: Promise<void>;
  /** Asks the host for a tool call or a network request (JSON in, JSON out). */
  callHost(kind: HostCallKind, name: string, args: string): Promise<string>;
  /** How many of this run's host calls await an answer. */
  hostCallsWaiting(): number;
  /** Resolves at the next host answer. */
  nextHostReply(): Promise<void>;
}

/** What an engine reports of a run; the worker API adds the memory figure. */
export type EngineRunResult = Omit<WorkerRunReply, 'memoryBytes' | 'outputs'> & { outputs?: WorkerRunReply['outputs'] };

/**
 * A guest failure inside the worker, carried as an exception between the engine's own functions
 * (never across the boundary: engines turn it into an outcome).
 */
export class GuestError extends Error {
  constructor(readonly error: RunError) {
    super(error.message);
    this.name = 'GuestError';
  }
}

/** The guest was stopped at an interrupt (deadline, cancel, or shared memory). */
export class GuestInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'GuestInterrupted';
  }
}

/** The error every interrupted run reports; the host replaces it with a timeout or abort message. */
export const INTERRUPTED: RunError = { name: 'InterruptError', message: 'the run was interrupted' };

/** A loaded language engine. Owned by the worker; `dispose()` frees its memory. */
export interface Engine {
  run(request: RunRequest, context: RunContext): Promise<EngineRunResult>;
  /** Fresh globals (JavaScript: a fresh runtime). Python sandboxes get a fresh worker instead. */
  reset(): Promise<void>;
  /** The guest's file system, for engines that have one. */
  fs?(request: FsRequest): FsResult;
  /** The engine's wasm memory in bytes (a high-water mark). */
  memoryBytes(): number;
  /** Installs packages, for engines that have them; an error message, or null on success. */
  installPackages?(request: InstallRequest): Promise<string | null>;
  /** The top-level modules `code` imports, for engines with packages (none when it does not parse). */
  findImports?(code: string): string[];
  /** True when the engine was restored from a memory snapshot. */
  readonly fromSnapshot?: boolean;
  /** The memory snapshot taken at start (`snapshot: 'make'`), handed over once. */
  takeSnapshot?(): Uint8Array | undefined;
  dispose(): void;
}

/** What every engine is started with. */
export interface EngineInit {
  files: EngineFiles;
  config: WorkerConfig;
  /** See `WorkerInit.interrupt`: shared memory the frame writes to stop a run. */
  interrupt?: SharedArrayBuffer;
}

/** Starts an engine; each worker bundle passes the one it carries. */
export type EngineFactory = (init: EngineInit) => Promise<Engine>;
