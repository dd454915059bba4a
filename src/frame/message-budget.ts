/**
 * How many messages the worker may send. An honest worker batches its output (at most every 25 ms)
 * and makes a bounded number of host calls, so it stays far below these; a worker past them is
 * flooding the frame, and the frame stops it rather than pass the flood on.
 */
import { DISPOSE } from '../shared/dispose.js';

/** Messages per second the budget refills with. */
export const MESSAGES_PER_SECOND = 1000;
/** Messages the worker may send at once after a quiet spell. */
export const MESSAGE_BURST = 2000;
/** Messages of one run, whatever their pace (about 40 a second of output for 20 minutes). */
export const MESSAGES_PER_RUN = 50_000;

/** A token bucket: `take()` is false once the worker sends faster than the rate allows. */
export class MessageBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate = MESSAGES_PER_SECOND,
    private readonly burst = MESSAGE_BURST,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends one message; false when none is left. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Summarizes dropped messages: the first is reported at once, the rest of each quarter second as
 * one report with their count, so a stream of bad messages becomes a few reports a second.
 */
export class DropReporter {
  private count = 0;
  private reason: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly report: (count: number, reason: string) => void,
    private readonly windowMs = 250,
  ) {}

  drop(reason: string): void {
    this.count++;
    this.reason ??= reason;
    if (this.timer !== undefined) return;
    this.flush();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.windowMs);
  }

  /** Reports what is waiting, if anything. */
  flush(): void {
    if (this.count === 0) return;
    this.report(this.count, this.reason ?? 'unknown');
    this.count = 0;
    this.reason = undefined;
  }

  /** Drops the summary timer (flush first to report what is waiting). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  [DISPOSE](): void {
    this.dispose();
  }
}
