/**
 * The timers a Python guest gets through `js` (and `pyodide.ffi.set_timeout`, which uses them):
 * the worker's own, tracked, so that every one still pending is cleared when its run ends. A
 * callback that fires between runs could otherwise spin or write into a later run's output.
 */

type TimerFn = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => number;

/** Tracked timers. One per worker. */
export class GuestTimers {
  private readonly pending = new Set<number>();
  private readonly real = {
    setTimeout: globalThis.setTimeout.bind(globalThis) as unknown as TimerFn,
    setInterval: globalThis.setInterval.bind(globalThis) as unknown as TimerFn,
    clearTimeout: globalThis.clearTimeout.bind(globalThis),
    clearInterval: globalThis.clearInterval.bind(globalThis),
  };

  /** The functions the guest sees. */
  readonly globals = {
    setTimeout: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number => {
      const id = this.real.setTimeout(() => {
        this.pending.delete(id);
        callback(...args);
      }, ms);
      this.pending.add(id);
      return id;
    },
    setInterval: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number => {
      const id = this.real.setInterval(callback, ms, ...args);
      this.pending.add(id);
      return id;
    },
    clearTimeout: (id: number) => {
      this.pending.delete(id);
      this.real.clearTimeout(id);
    },
    clearInterval: (id: number) => {
      this.pending.delete(id);
      this.real.clearInterval(id);
    },
  };

  /** Clears every timer still pending; returns how many there were. */
  clearAll(): number {
    const n = this.pending.size;
    for (const id of this.pending) {
      // Timeout and interval ids share one pool in browsers; either call clears either kind.
      this.real.clearTimeout(id);
      this.real.clearInterval(id);
    }
    this.pending.clear();
    return n;
  }
}
