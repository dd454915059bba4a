/**
 * The seam between the worker's API and a language engine. One engine per worker; the worker API
 * serializes calls, so an engine never sees two runs at once.
 */
import type { EngineConfig, EngineFiles, FsRequest, FsResult, HostCallKind, InstallRequest, RunRequest, WorkerInit, WorkerRunResult } from '../shared/protocol.js';
import type { OutputSink } from './output-sink.js';

/** What an engine gets for one run besides the request. */
export interface RunContext {
  output: OutputSink;
  /** True once the host asked this run to stop. */
  readonly cancelled: boolean;
  /** Resolves when the host asks this run to stop; lets an engine stop waiting on timers. */
  readonly whenCancelled: Promise<void>;
  /** Asks the host for a tool call or a network request (JSON in, JSON out). */
  callHost(kind: HostCallKind, name: string, args: string): Promise<string>;
  /** How many of this run's tool calls await an answer. */
  hostCallsWaiting(): number;
  /** Resolves at the next tool answer. */
  nextHostReply(): Promise<void>;
}

/** What an engine reports of a run; the worker API adds the run number and the output. */
export type EngineOutcome = Omit<WorkerRunResult, 'runSeq' | 'stdout' | 'stderr' | 'outputs'> & { outputs?: WorkerRunResult['outputs'] };

/** A loaded language engine. Owned by the worker; `dispose()` frees its memory. */
export interface Engine {
  run(request: RunRequest, context: RunContext): Promise<EngineOutcome>;
  /** Fresh globals, same engine. */
  reset(): Promise<void>;
  /** The guest's file system, for engines that have one. */
  fs?(request: FsRequest): FsResult;
  /** The engine's wasm memory in bytes (a high-water mark). */
  memoryBytes(): number;
  /** Installs packages, for engines that have them; an error message, or null on success. */
  installPackages?(request: InstallRequest): Promise<string | null>;
  /** True when the engine was restored from a memory snapshot. */
  readonly fromSnapshot?: boolean;
  /** The memory snapshot taken at start (`snapshot: 'make'`), handed over once. */
  takeSnapshot?(): Uint8Array | undefined;
  dispose(): void;
}

/** What every engine is started with. */
export interface EngineInit {
  files: EngineFiles;
  config: EngineConfig;
  /** See {@link WorkerInit.interrupt}: shared memory the frame writes to stop a run. */
  interrupt?: SharedArrayBuffer;
}

/** Starts an engine; each worker bundle passes the one it carries. */
export type EngineFactory = (init: EngineInit) => Promise<Engine>;
