/** Value conversion: plain data out, caps respected, nothing unsafe. */
import { describe, expect, it } from 'vitest';
import { describe as describeValue } from '../../../src/guest/to-plain.js';
import { cutUtf8, utf8Length } from '../../../src/shared/utf8.js';

/** The description in short: v (the plain form), t (the text), x (truncated). */
function parse(v: unknown, max = 1 << 20): { v?: unknown; t?: string; x?: true } {
  const d = describeValue(v, max);
  const out: { v?: unknown; t?: string; x?: true } = {};
  if (d.valueJson !== undefined) out.v = JSON.parse(d.valueJson);
  if (d.text !== undefined) out.t = d.text;
  if (d.truncated) out.x = true;
  return out;
}

describe('describe', () => {
  it('gives plain data and REPL text for JSON-like values', () => {
    expect(parse({ a: [1, 'x', true, null] })).toEqual({ v: { a: [1, 'x', true, null] }, t: "{ a: [ 1, 'x', true, null ] }" });
    expect(parse('text')).toEqual({ v: 'text', t: "'text'" });
  });

  it('leaves undefined absent', () => {
    expect(parse(undefined)).toEqual({});
  });

  it('gives other values a sensible plain form', () => {
    expect(parse(new Date(0)).v).toBe('1970-01-01T00:00:00.000Z');
    expect(parse(2n ** 64n).v).toBe('18446744073709551616');
    expect(parse(new Set([1, 2])).v).toEqual([1, 2]);
    expect(parse(new Map([['a', 1]])).v).toEqual({ a: 1 });
    expect(parse(new Map([[1, 'a']])).v).toEqual([[1, 'a']]);
    expect(parse(new TypeError('bad')).v).toMatchObject({ name: 'TypeError', message: 'bad' });
    expect(parse(new Uint8Array([1, 2])).v).toEqual([1, 2]);
    expect(parse([NaN, -0, Infinity]).v).toEqual([null, 0, null]);
    expect(parse({ f() {}, s: Symbol('x'), u: undefined, k: 1 }).v).toEqual({ k: 1 });
    expect(parse([() => 1, undefined]).v).toEqual([null, null]);
  });

  it('has no plain form for functions and symbols, but always a text', () => {
    expect(parse(function hello() {})).toEqual({ t: '[Function: hello]' });
    expect(parse(Symbol('s'))).toEqual({ t: 'Symbol(s)' });
  });

  it('marks cycles and does not call getters', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    let called = false;
    Object.defineProperty(o, 'trap', { enumerable: true, get: () => ((called = true), 1) });
    expect(parse(o).v).toEqual({ a: 1, self: '[Circular]' });
    expect(called).toBe(false);
  });

  it('keeps a "__proto__" key as an ordinary property', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "b": 2}');
    const out = parse(value).v as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'b']);
  });

  it('leaves out a value past the cap and cuts its text', () => {
    const big = Array.from({ length: 10000 }, (_, i) => ({ i, s: 'xxxxxxxxxx' }));
    const out = parse(big, 5000);
    expect(out.v).toBeUndefined();
    expect(out.x).toBe(true);
    const long = parse('é'.repeat(100000), 1000);
    expect(long.x).toBe(true);
    expect(utf8Length(long.t!)).toBeLessThanOrEqual(1000);
  });

  it('cuts pathologically deep values instead of overflowing', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 10000; i++) deep = [deep];
    const out = parse(deep);
    expect(out.x).toBe(true);
    expect(out.t).toBe('[ [ [ [Array] ] ] ]');
  });
});

describe('a guest that replaces built-ins', () => {
  // The guest shares the runtime's realm; the conversion captured what it uses when it was loaded.
  // Index loops only: a patched array iterator would stop `for...of` from restoring anything.
  function replaced<T>(patches: Array<[object, PropertyKey, unknown]>, fn: () => T): T {
    const saved = patches.map(([o, k]) => Object.getOwnPropertyDescriptor(o, k));
    try {
      for (let i = 0; i < patches.length; i++) Object.defineProperty(patches[i]![0], patches[i]![1], { value: patches[i]![2], configurable: true, writable: true });
      return fn();
    } finally {
      for (let i = patches.length - 1; i >= 0; i--) {
        const o = patches[i]![0];
        const k = patches[i]![1];
        if (saved[i]) Object.defineProperty(o, k, saved[i]!);
        else delete (o as Record<PropertyKey, unknown>)[k];
      }
    }
  }

  it('cannot change the plain form through JSON, Object, iterators or toJSON', () => {
    const value = { list: [1, 2], map: new Map([['k', 'v']]), set: new Set([3]), when: new Date(0) };
    const forged = () => 'forged';
    const out = replaced(
      [
        [JSON, 'stringify', () => '"' + 'x'.repeat(1000) + '"'],
        [Object, 'keys', () => ['nothing']],
        [Object.prototype, 'toJSON', forged],
        [Array.prototype, 'toJSON', forged],
        [Array.prototype, Symbol.iterator, function* () {}],
        [Map.prototype, 'entries', () => [][Symbol.iterator]()],
        [Set.prototype, 'values', () => [][Symbol.iterator]()],
        [Date.prototype, 'toISOString', forged],
      ],
      () => parse(value),
    );
    expect(out.v).toEqual({ list: [1, 2], map: { k: 'v' }, set: [3], when: '1970-01-01T00:00:00.000Z' });
  });

  it('reads array slots without running inherited getters', () => {
    let called = false;
    const out = replaced([[Array.prototype, 0, undefined]], () => {
      Object.defineProperty(Array.prototype, 0, { get: () => ((called = true), 'forged'), configurable: true });
      return parse([, 1]);
    });
    expect(out.v).toEqual([null, 1]);
    expect(called).toBe(false);
  });
});

describe('utf8 helpers', () => {
  it('count UTF-8 bytes like TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀b\u{10FFFF}', '\uD800x']) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    }
  });
  it('never cut inside a surrogate pair', () => {
    expect(cutUtf8('a😀', 3)).toBe('a');
    expect(cutUtf8('a😀', 5)).toBe('a😀');
    expect(cutUtf8('ééé', 4)).toBe('éé');
  });
});
