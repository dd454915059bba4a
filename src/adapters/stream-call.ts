/**
 * Turns a `run_code` call's output callbacks into an async iterable of snapshots, for adapters
 * whose framework streams a tool's progress (AI SDK preliminary results, MCP progress).
 */
import type { RunOptions } from '../shared/types.js';

/** The output of a call so far. */
export interface CallProgress {
  stdout: string;
  stderr: string;
}

/** Most characters of each stream a snapshot carries: its end, the part a reader needs. */
const TAIL_CHARS = 16_000;

/** The last `max` characters of `text`, marked when cut. */
export function clipTail(text: string, max = TAIL_CHARS): string {
  return text.length <= max ? text : `… [${text.length - max} characters cut]\n${text.slice(-max)}`;
}

/**
 * Starts a call with output callbacks and returns its outcome and `progress`: a snapshot whenever
 * output arrived since the last one was taken (a slow reader gets the latest, not a backlog),
 * ending when the call settles.
 */
export function streamCall<T>(start: (callbacks: Pick<RunOptions, 'onStdout' | 'onStderr'>) => Promise<T>): { outcome: Promise<T>; progress: AsyncIterable<CallProgress> } {
  let stdout = '';
  let stderr = '';
  let changed = false;
  let settled = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  const outcome = start({
    onStdout: (text) => {
      stdout += text;
      changed = true;
      poke();
    },
    onStderr: (text) => {
      stderr += text;
      changed = true;
      poke();
    },
  });
  const end = () => {
    settled = true;
    poke();
  };
  outcome.then(end, end);
  return {
    outcome,
    progress: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (!changed && !settled) await new Promise<void>((resolve) => (wake = resolve));
          if (settled) return;
          changed = false;
          yield { stdout: clipTail(stdout), stderr: clipTail(stderr) };
        }
      },
    },
  };
}
