/** The guest's console formatting, compared with Node's own util.inspect / util.format. */
import { format as nodeFormat, inspect as nodeInspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { format, inspect } from '../../../src/guest/inspect.js';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const cyclic: Record<string, unknown> = { name: 'loop' };
cyclic.self = cyclic;
const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
const nullProto = Object.assign(Object.create(null), { a: 1 });

const samples: Array<[string, unknown]> = [
  ['number', 42],
  ['negative zero', -0],
  ['string', 'hello'],
  ['string with quote', "it's"],
  ['string with both quotes', `it's "x"`],
  ['escapes', 'a\nb\tc'],
  ['bigint', 10n ** 20n],
  ['symbol', Symbol('s')],
  ['null and undefined', [null, undefined]],
  ['small object', { a: 1, b: 'two', c: [1, 2] }],
  ['quoted keys', { 'a-b': 1, valid_id: 2, '3d': 3 }],
  ['nested beyond depth', { a: { b: { c: { d: { e: 1 } } } } }],
  ['long object breaks lines', { alpha: 'aaaaaaaaaaaaaaaa', beta: 'bbbbbbbbbbbbbbbbbbb', gamma: 'ccccccccccccccccc', delta: 1 }],
  ['array of 30 numbers (grouped)', Array.from({ length: 30 }, (_, i) => i * 7)],
  ['array of 120 (more items)', Array.from({ length: 120 }, (_, i) => i)],
  ['array of strings', ['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape', 'honeydew']],
  ['sparse array', sparse],
  ['empty things', [[], {}, new Map(), new Set()]],
  ['map', new Map<unknown, unknown>([['a', 1], [{ k: 1 }, [2]]])],
  ['set', new Set([1, 'two', [3]])],
  ['date', new Date(0)],
  ['invalid date', new Date(NaN)],
  ['regexp', /ab+c/gi],
  ['function', function named() {}],
  ['anonymous arrow', [() => 1]],
  ['class', Point],
  ['class instance', new Point(1, 2)],
  ['null prototype', nullProto],
  ['cycle', cyclic],
  ['typed array', new Uint8Array([1, 2, 3])],
  ['boxed', [Object(1), Object('s'), Object(true)]],
  ['getter', Object.defineProperty({}, 'g', { get: () => 1, enumerable: true })],
  ['symbol key', { [Symbol('k')]: 1 }],
  ['array with extra key', Object.assign([1, 2], { extra: true })],
  ['array of objects', [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]],
  ['table-like rows', Array.from({ length: 8 }, (_, i) => ({ id: i, label: `row ${i}`, ok: i % 2 === 0 }))],
];

describe('inspect matches Node', () => {
  for (const [name, value] of samples) {
    it(name, () => {
      expect(inspect(value)).toBe(nodeInspect(value));
    });
  }
});

describe('format matches Node', () => {
  const calls: unknown[][] = [
    [{ a: 1 }, [1, 2]],
    ['plain', 'strings', 3],
    ['%s is %d years', 'Ann', 42.5, 'extra'],
    ['%i and %f', '42.9px', '3.5e2'],
    ['%j', { a: [1] }],
    ['%j and %j', undefined, () => 1],
    ['%x unknown, %s known', 'a'],
    ['%o', { a: 1 }],
    ['%O', { a: { b: { c: { d: 1 } } } }],
    ['100%% sure', 1],
    ['%c styled', 'color: red'],
    ['missing %s and %s', 'one'],
    [],
    [undefined],
    ['%s', { toString: () => 'x' }],
  ];
  for (const args of calls) {
    it(JSON.stringify(args.map(String)), () => {
      expect(format(...args)).toBe(nodeFormat(...args));
    });
  }
});

describe('errors', () => {
  it('prints a QuickJS-style error with its name, message and frames', () => {
    const err = new TypeError('bad thing');
    err.stack = '    at f (main.js:1:5)\n';
    expect(inspect(err)).toBe('TypeError: bad thing\n    at f (main.js:1:5)');
  });
  it('prints an error without a stack in brackets', () => {
    const err = new Error('no stack');
    err.stack = '';
    expect(inspect(err)).toBe('[Error: no stack]');
  });
});
