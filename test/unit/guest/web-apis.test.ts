/** The guest's Web APIs, compared with Node's (which follow the same standards). */
import { describe, expect, it } from 'vitest';
import { atob, btoa, createCrypto, decodeUtf8, encodeUtf8, structuredClone, TextDecoder, TextEncoder } from '../../../src/guest/web-apis.js';
import { createTimers } from '../../../src/guest/timers.js';
import { cleanStack, describeError, RUNTIME_FILE, userLine } from '../../../src/guest/describe-error.js';

describe('UTF-8', () => {
  const strings = ['', 'ascii', 'héllo', '€uro', '😀 emoji', '\u{10FFFF}', 'lone \uD800 surrogate'];
  it.each(strings)('encodes %j like TextEncoder', (s) => {
    expect(Array.from(encodeUtf8(s))).toEqual(Array.from(new globalThis.TextEncoder().encode(s)));
    expect(new TextEncoder().encode(s)).toEqual(new globalThis.TextEncoder().encode(s));
  });
  it('decodes valid and invalid bytes like TextDecoder', () => {
    const cases = [[0x68, 0x69], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xff, 0x41], [0xe2, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80]];
    for (const bytes of cases) {
      const u8 = new Uint8Array(bytes);
      expect(decodeUtf8(u8, false)).toBe(new globalThis.TextDecoder().decode(u8));
    }
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))).toThrow(TypeError);
    expect(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
    expect(() => new TextDecoder('latin1')).toThrow(RangeError);
  });
  it('encodeInto reports read and written', () => {
    const dest = new Uint8Array(4);
    expect(new TextEncoder().encodeInto('a€b', dest)).toEqual({ read: 2, written: 4 });
  });
});

describe('base64', () => {
  it.each(['', 'a', 'ab', 'abc', 'hello world', '\u00ff\u0000\u0080'])('round-trips %j like Buffer', (s) => {
    const expected = Buffer.from(s, 'latin1').toString('base64');
    expect(btoa(s)).toBe(expected);
    expect(atob(expected)).toBe(s);
  });
  it('accepts whitespace and missing padding, rejects bad input', () => {
    expect(atob(' aGk ')).toBe('hi');
    expect(atob('aGk')).toBe('hi');
    expect(() => atob('a')).toThrow(/not correctly encoded/);
    expect(() => btoa('€')).toThrow(/Invalid character/);
  });
});

describe('structuredClone', () => {
  it('clones deeply, keeping cycles and types', () => {
    const src: Record<string, unknown> = { d: new Date(5), m: new Map([[1, { x: 1 }]]), s: new Set(['a']), u: new Uint8Array([1, 2]) };
    src.self = src;
    const copy = structuredClone(src) as typeof src;
    expect(copy).not.toBe(src);
    expect(copy.self).toBe(copy);
    expect(copy.d).toEqual(new Date(5));
    expect((copy.m as Map<number, unknown>).get(1)).toEqual({ x: 1 });
    expect(copy.u).toEqual(new Uint8Array([1, 2]));
  });
  it('refuses functions and symbols with DataCloneError', () => {
    expect(() => structuredClone({ f() {} })).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
    expect(() => structuredClone(Symbol('x'))).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
  });
});

describe('crypto', () => {
  const c = createCrypto((n) => globalThis.crypto.getRandomValues(new Uint8Array(n)).buffer);
  it('fills integer arrays and makes v4 UUIDs', () => {
    const a = c.getRandomValues(new Uint32Array(64));
    expect(a.some((x) => x !== 0)).toBe(true);
    expect(c.randomUUID()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => c.getRandomValues(new Float64Array(2) as never)).toThrow(/integer-type/);
    expect(() => c.getRandomValues(new Uint8Array(65537))).toThrow(/65536/);
  });
});

describe('timers', () => {
  it('runs due timers in order of due time, repeats intervals, and clears', () => {
    let now = 0;
    const t = createTimers(() => now);
    const log: string[] = [];
    t.globals.setTimeout(() => log.push('b'), 20);
    t.globals.setTimeout(() => log.push('a'), 10);
    const id = t.globals.setInterval(() => log.push('i'), 15);
    expect(t.nextTimerDelay()).toBe(10);
    now = 30;
    t.runNextTimer();
    t.runNextTimer();
    t.runNextTimer();
    expect(log).toEqual(['a', 'i', 'b']);
    t.globals.clearInterval(id);
    expect(t.nextTimerDelay()).toBe(-1);
    expect(() => t.globals.setTimeout('code' as never, 1)).toThrow(TypeError);
  });
});

describe('describeError', () => {
  it('keeps the user frames, drops the runtime and finds the line', () => {
    const stack = `    at inner (main.js:7:3)\n    at helper (${RUNTIME_FILE}:100:1)\n    at <eval> (main.js:9:1)\n`;
    expect(cleanStack(stack)).toBe('    at inner (main.js:7:3)\n    at <eval> (main.js:9:1)');
    expect(userLine(stack)).toBe(7);
  });
  it('caps long stacks', () => {
    const stack = Array.from({ length: 1000 }, (_, i) => `    at f (main.js:${i + 1}:1)`).join('\n');
    const cleaned = cleanStack(stack);
    expect(cleaned.split('\n').length).toBe(40);
    expect(cleaned).toMatch(/\.\.\. 961 more frames$/);
  });
  it('describes thrown non-errors', () => {
    expect(describeError('plain text')).toEqual({ name: 'Error', message: 'plain text', stack: undefined, line: undefined });
    expect(describeError({ code: 1 })).toEqual({ name: 'Error', message: '{ code: 1 }', stack: undefined, line: undefined });
  });
  it('reads name, message and stack without calling getters', () => {
    let called = false;
    // (Not a real TypeError: V8 itself reads a real error's properties when its stack is redefined.)
    const error = Object.create(TypeError.prototype, {
      message: { get: () => ((called = true), 'forged') },
      stack: { get: () => ((called = true), 'forged') },
    });
    expect(describeError(error)).toMatchObject({ name: 'TypeError', message: '', stack: undefined });
    expect(called).toBe(false);
  });
});
