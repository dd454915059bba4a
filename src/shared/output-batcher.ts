/**
 * One run's stdout and stderr on their way out: capped per stream in UTF-8 bytes, coalesced, and
 * sent in batches (at once when 64 KiB wait or the last batch is 25 ms old, else within 25 ms).
 * The worker batches its output with it (the honest worker's courtesy: a guest that prints a
 * million lines stays within the frame's message budget), and the frame batches what it passes to
 * the host with it (the limit: the frame counts and cuts again, whatever the worker sent).
 */
import type { StreamName } from './protocol.js';
import { cutUtf8, fitsUtf8, utf8Length } from './utf8.js';
import { DISPOSE } from './dispose.js';

/** How long output may wait before it is sent, in ms: short enough to feel live. */
const FLUSH_INTERVAL_MS = 25;
/** Send at once when this much is waiting, whatever the time. */
const FLUSH_BYTES = 64 * 1024;

/** A run's output under its cap, batched. Owned for the length of the run; `dispose()` ends it. */
export class OutputBatcher {
  private readonly used: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private pending: Array<[StreamName, string]> = [];
  private pendingBytes = 0;
  private lastFlush = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** True once something was cut at the cap. */
  cut = false;

  constructor(
    private readonly maxBytes: number,
    private readonly send: (stream: StreamName, text: string) => void,
  ) {}

  /** Bytes still allowed on `stream`. */
  remaining(stream: StreamName): number {
    return Math.max(0, this.maxBytes - this.used[stream]);
  }

  /** Appends `text`, cutting it at the cap. Returns the bytes left on that stream. */
  write(stream: StreamName, text: string): number {
    const left = this.remaining(stream);
    if (text === '') return left;
    if (left === 0) {
      this.cut = true;
      return 0;
    }
    // Bounded work whatever the size of `text`: nothing past the cap is measured.
    if (!fitsUtf8(text, left)) {
      text = cutUtf8(text, left);
      this.cut = true;
      if (text === '') return left;
    }
    const bytes = utf8Length(text);
    this.used[stream] += bytes;
    const last = this.pending[this.pending.length - 1];
    if (last && last[0] === stream) last[1] += text;
    else this.pending.push([stream, text]);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= FLUSH_BYTES || performance.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
    return this.remaining(stream);
  }

  /** Sends everything waiting. Called at the end of the run, before its result. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = performance.now();
    const batches = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const [stream, text] of batches) this.send(stream, text);
  }

  /** Drops the timer; anything still waiting is not sent. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  [DISPOSE](): void {
    this.dispose();
  }
}
