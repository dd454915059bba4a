/**
 * The guest's `console`: Node's formatting (see inspect.ts), log/info/debug to stdout and
 * error/warn/trace to stderr, plus the counters, timers and groups Node offers.
 */
import { format, inspect } from './inspect.js';

/** Creates the console object; `write(0|1, text)` appends to stdout or stderr. */
export function createConsole(write: (stream: number, text: string) => void, now: () => number) {
  let indent = '';
  const counts = new Map<string, number>();
  const started = new Map<string, number>();
  const emit = (stream: number, text: string) => {
    const body = indent ? text.split('\n').map((line) => indent + line).join('\n') : text;
    write(stream, body + '\n');
  };
  const out = (...args: unknown[]) => emit(0, format(...args));
  const err = (...args: unknown[]) => emit(1, format(...args));
  const label = (l: unknown) => (l === undefined ? 'default' : String(l));
  const elapsed = (l: string) => {
    const ms = now() - (started.get(l) ?? now());
    return ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`;
  };

  return {
    log: out,
    info: out,
    debug: out,
    error: err,
    warn: err,
    dir: (value: unknown) => emit(0, inspect(value)),
    table: out,
    trace: (...args: unknown[]) => {
      const stack = (new Error().stack ?? '').split('\n').slice(1).join('\n');
      emit(1, `Trace${args.length ? ': ' + format(...args) : ''}\n${stack}`.replace(/\n+$/, ''));
    },
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) emit(1, args.length ? `Assertion failed: ${format(...args)}` : 'Assertion failed');
    },
    count: (l?: unknown) => {
      const key = label(l);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      emit(0, `${key}: ${n}`);
    },
    countReset: (l?: unknown) => void counts.delete(label(l)),
    time: (l?: unknown) => void started.set(label(l), now()),
    timeLog: (l?: unknown, ...args: unknown[]) => {
      const key = label(l);
      emit(0, [`${key}: ${elapsed(key)}`, ...args.map((a) => (typeof a === 'string' ? a : inspect(a)))].join(' '));
    },
    timeEnd: (l?: unknown) => {
      const key = label(l);
      emit(0, `${key}: ${elapsed(key)}`);
      started.delete(key);
    },
    group: (...args: unknown[]) => {
      if (args.length) out(...args);
      indent += '  ';
    },
    groupCollapsed: (...args: unknown[]) => {
      if (args.length) out(...args);
      indent += '  ';
    },
    groupEnd: () => {
      indent = indent.slice(2);
    },
  };
}
