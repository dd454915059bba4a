/**
 * The seam between the worker's API and a language engine. One engine per worker; the worker API
 * serializes calls, so an engine never sees two runs at once.
 */
import type { RunRequest, WorkerRunResult } from '../shared/protocol.js';
import type { OutputSink } from './output-sink.js';

/** What an engine gets for one run besides the request. */
export interface RunContext {
  output: OutputSink;
  /** True once the host asked this run to stop. */
  readonly cancelled: boolean;
  /** Resolves when the host asks this run to stop; lets an engine stop waiting on timers. */
  readonly whenCancelled: Promise<void>;
}

/** A loaded language engine. Owned by the worker; `dispose()` frees its memory. */
export interface Engine {
  run(request: RunRequest, context: RunContext): Promise<Omit<WorkerRunResult, 'runSeq' | 'stdout' | 'stderr'>>;
  /** Fresh globals, same engine. */
  reset(): Promise<void>;
  dispose(): void;
}

/** What every engine is started with. */
export interface EngineInit {
  wasm: ArrayBuffer;
  memoryLimitBytes: number;
  /** Slot 0 holds the number of a run the host wants stopped (cross-origin isolated pages only). */
  interrupt?: Int32Array;
}
