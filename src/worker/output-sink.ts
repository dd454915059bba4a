/**
 * Collects one run's stdout and stderr under their caps and streams them to the frame in batches.
 * Batching keeps a guest that prints a million lines within the frame's message budget; the cap
 * keeps the worker's memory bounded. (The frame counts and caps the output again: this is the
 * honest worker's courtesy, not the limit.)
 */
import type { StreamName } from '../shared/protocol.js';
import type { FromWorker } from '../shared/worker-protocol.js';
import { cutUtf8, utf8Length } from '../shared/utf8.js';

type OutputMessage = Extract<FromWorker, { type: 'output' }>;

/** How long output may wait before it is sent, in ms: short enough to feel live. */
const FLUSH_INTERVAL_MS = 25;
/** Send at once when this much is waiting, whatever the time. */
const FLUSH_BYTES = 64 * 1024;

/** One run's output. Owned by the worker API for the length of the run. */
export class OutputSink {
  private readonly used: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private pending: Array<[StreamName, string]> = [];
  private pendingBytes = 0;
  private lastFlush = 0;
  /** True once something was cut at the cap. */
  cut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runSeq: number,
    private readonly maxBytes: number,
    private readonly post: (message: OutputMessage) => void,
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
    let bytes = utf8Length(text);
    if (bytes > left) {
      text = cutUtf8(text, left);
      bytes = utf8Length(text);
      this.cut = true;
    }
    this.used[stream] += bytes;
    const last = this.pending[this.pending.length - 1];
    if (last && last[0] === stream) last[1] += text;
    else this.pending.push([stream, text]);
    this.pendingBytes += bytes;
    const now = performance.now();
    if (this.pendingBytes >= FLUSH_BYTES || now - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
    return this.remaining(stream);
  }

  /** Sends everything waiting. Called at the end of the run, before the result. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = performance.now();
    for (const [stream, text] of this.pending) this.post({ type: 'output', runSeq: this.runSeq, stream, text });
    this.pending = [];
    this.pendingBytes = 0;
  }
}
