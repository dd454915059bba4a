/**
 * The names of the errors the library itself puts in a `RunResult` (a guest's own errors keep
 * theirs). The frame, the worker and the host name them from here, never by string literal.
 */
import type { RunError } from './types.js';

/** Each name the library gives a run's error, by what happened. */
export const RUN_ERROR = {
  /** The host's clock ran out (`status: 'timeout'`). */
  timeout: 'TimeoutError',
  /** The caller's signal, or `dispose()`, stopped the run (`status: 'aborted'`). */
  aborted: 'AbortError',
  /** The worker died, or was stopped, without the engine's word (`status: 'crashed'`). */
  crashed: 'CrashError',
  /** The engine itself said it broke and cannot run again (`status: 'crashed'`). */
  engine: 'EngineError',
  /** The worker broke the protocol: a malformed answer, or more messages than allowed (`status: 'crashed'`). */
  bridge: 'BridgeError',
} as const;

/** One of {@link RUN_ERROR}'s names. */
export type RunErrorName = (typeof RUN_ERROR)[keyof typeof RUN_ERROR];

/** A run error the library names. */
export function runError(name: keyof typeof RUN_ERROR, message: string): RunError {
  return { name: RUN_ERROR[name], message };
}
