import type { Described } from './to-plain.js';
import type { DescribedError } from './describe-error.js';

/**
 * The functions the worker hands the guest runtime when it installs it. They are the guest's only
 * way out of the engine, so each one is small and takes and returns plain strings and numbers.
 */
export interface HostBridge {
  /** Appends text to stdout (0) or stderr (1) of the current run; returns the bytes still allowed there. */
  write(stream: number, text: string): number;
  /** A monotonic clock in milliseconds (the worker's `performance.now()`). */
  now(): number;
  /** `n` random bytes (n ≤ 65536) from the worker's `crypto.getRandomValues`. */
  randomBytes(n: number): ArrayBuffer;
  /** Parses a URL with the browser's parser: a JSON object of its parts, or '' when invalid. */
  parseURL(input: string, base?: string): string;
  /** Sets one part (`href`, `search`, `port`…) of a URL: the new parts as JSON, or '' when invalid. */
  updateURL(href: string, key: string, value: string): string;
  /** Serializes name/value pairs (JSON) as application/x-www-form-urlencoded. */
  formEncode(pairs: string): string;
  /** Parses application/x-www-form-urlencoded into name/value pairs (JSON). */
  formDecode(query: string): string;
  /** The host tools' names (JSON array). */
  toolNames(): string;
  /**
   * Asks the host for a tool call (`'tool'`, name, JSON arguments) or a network request
   * (`'fetch'`, '', the request as JSON); resolves with the JSON answer, rejects with the error.
   */
  callHost(kind: 'tool' | 'fetch', name: string, args: string): Promise<string>;
  /** 1 when the sandbox grants network access (the guest then gets `fetch`), else 0. */
  networkAllowed(): number;
}

/**
 * What the installed runtime gives back to the worker (never to guest code). Its descriptions are
 * objects whose every key is an own data property, read by the worker one property at a time.
 */
export interface GuestControl {
  /** Starts a run: output beyond `maxOutputBytes` per stream is cut before it leaves the guest. */
  beginRun(maxOutputBytes: number): void;
  /** A value's plain form (as JSON) and text, within `maxBytes`; see `to-plain.ts`. */
  describe(value: unknown, maxBytes: number): Described;
  /** A thrown value as a `RunError`. */
  describeError(error: unknown): DescribedError;
  /** Milliseconds from now until the next timer is due, or -1 when none is pending. */
  nextTimerDelay(): number;
  /** Runs the earliest timer if it is due; throws what its callback throws. */
  runNextTimer(): void;
  /** Cancels every pending timer (at the end of a run). */
  clearTimers(): void;
}
