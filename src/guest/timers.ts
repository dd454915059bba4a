/**
 * setTimeout/setInterval for the guest. The queue lives here, in the guest; the worker's event loop
 * asks when the next one is due, sleeps without blocking, and then runs it. Timers never outlive
 * their run: the worker clears them when the run ends.
 */

interface Timer {
  id: number;
  due: number;
  interval: number | undefined;
  fn: Function;
  args: unknown[];
}

/** Node's bounds: below 1 or above 2^31-1 (or not a number) means 1 ms. */
function clampDelay(ms: unknown): number {
  const n = Number(ms);
  return n >= 1 && n <= 2147483647 ? n : 1;
}

/** The guest's timer queue and the globals it backs. */
export function createTimers(now: () => number) {
  const timers = new Map<number, Timer>();
  let nextId = 1;

  function add(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    const delay = clampDelay(ms);
    const id = nextId++;
    timers.set(id, { id, due: now() + delay, interval: repeat ? delay : undefined, fn, args });
    return id;
  }
  const clear = (id: unknown) => {
    timers.delete(Number(id));
  };

  function earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of timers.values()) if (!best || t.due < best.due) best = t;
    return best;
  }

  return {
    globals: {
      setTimeout: (fn: unknown, ms?: unknown, ...args: unknown[]) => add(fn, ms, args, false),
      setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) => add(fn, ms, args, true),
      clearTimeout: clear,
      clearInterval: clear,
    },
    nextTimerDelay(): number {
      const t = earliest();
      return t ? Math.max(0, t.due - now()) : -1;
    },
    runNextTimer(): void {
      const t = earliest();
      if (!t || t.due > now()) return;
      if (t.interval === undefined) timers.delete(t.id);
      else t.due = now() + t.interval;
      t.fn(...t.args);
    },
    clearTimers(): void {
      timers.clear();
    },
  };
}
