/**
 * Turns a guest value into plain JSON data plus its REPL text, inside the guest engine, so that
 * nothing larger than the caps ever leaves it. Runs in QuickJS; the unit tests run it in Node.
 *
 * Guest code runs in this realm and may replace its globals (`JSON.stringify`, `Object.keys`,
 * iterators, getters on prototypes). So every intrinsic used here is captured when the runtime is
 * installed, before any guest code, and called through `Reflect.apply`; values are read from own
 * data properties only, so no getter ever runs. The worker and the frame still cap what comes out.
 */
import { inspect } from './inspect.js';
import { cutUtf8, utf8Length } from '../shared/utf8.js';

/** A value described for the worker: its plain form as JSON, its text, and whether a cap cut either. */
export interface Described {
  valueJson: string | undefined;
  text: string | undefined;
  truncated: boolean;
}

// ---- intrinsics, captured at install -------------------------------------------------------
const apply = Reflect.apply;
const { getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf, defineProperty, keys } = Object;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const stringify = JSON.stringify;
const numberIsFinite = Number.isFinite;
const objectIs = Object.is;
const StringCtor = String;
const protoOf = (ctor: { prototype: object }) => ctor.prototype;
const getter = (proto: object, name: string) => getOwnPropertyDescriptor(proto, name)!.get!;
const method = (proto: object, name: string) => getOwnPropertyDescriptor(proto, name)!.value as (...args: unknown[]) => unknown;
const mapSize = getter(protoOf(Map), 'size');
const setSize = getter(protoOf(Set), 'size');
const mapEntries = method(protoOf(Map), 'entries');
const setValues = method(protoOf(Set), 'values');
const mapIteratorNext = method(getPrototypeOf(new Map().entries()), 'next');
const setIteratorNext = method(getPrototypeOf(new Set().values()), 'next');
const dateGetTime = method(protoOf(Date), 'getTime');
const dateToISOString = method(protoOf(Date), 'toISOString');
const regexpSource = getter(protoOf(RegExp), 'source');
/** The flag getters read the regexp's own slots (the `flags` getter would call overridable ones). */
const regexpFlags: Array<[string, (...args: unknown[]) => unknown]> = [
  ['d', 'hasIndices'],
  ['g', 'global'],
  ['i', 'ignoreCase'],
  ['m', 'multiline'],
  ['s', 'dotAll'],
  ['u', 'unicode'],
  ['v', 'unicodeSets'],
  ['y', 'sticky'],
]
  .filter(([, name]) => getOwnPropertyDescriptor(protoOf(RegExp), name!)?.get)
  .map(([flag, name]) => [flag!, getter(protoOf(RegExp), name!)]);
const bufferByteLength = getter(protoOf(ArrayBuffer), 'byteLength');
const typedArrayLength = getter(getPrototypeOf(protoOf(Uint8Array)), 'length');
const typedArrayBuffer = getter(getPrototypeOf(protoOf(Uint8Array)), 'buffer');
const dataViewBuffer = getter(protoOf(DataView), 'buffer');
const dataViewOffset = getter(protoOf(DataView), 'byteOffset');
const dataViewLength = getter(protoOf(DataView), 'byteLength');
const numberValueOf = method(protoOf(Number), 'valueOf');
const stringValueOf = method(protoOf(String), 'valueOf');
const booleanValueOf = method(protoOf(Boolean), 'valueOf');
const isPrototypeOf = method(Object.prototype, 'isPrototypeOf');
const errorProto = protoOf(Error);
const promiseProto = protoOf(Promise);
const weakMapHas = method(protoOf(WeakMap), 'has');
const weakSetHas = method(protoOf(WeakSet), 'has');
const Uint8ArrayCtor = Uint8Array;

/**
 * An array or object without a prototype: writing an index runs no inherited setter, and
 * `JSON.stringify` finds no inherited `toJSON` on it.
 */
const list = <T>(): T[] => setPrototypeOf([], null) as T[];
const record = (): Record<string, unknown> => setPrototypeOf({}, null) as Record<string, unknown>;

/** True when `fn` accepts `o` as its receiver: the engine's own brand check, which no guest can fake. */
function hasBrand(fn: (...args: unknown[]) => unknown, o: object, args: unknown[] = []): boolean {
  try {
    apply(fn, o, args);
    return true;
  } catch {
    return false;
  }
}

/** A [key, value] pair that no destructuring or iterator is needed to read. */
function pair(key: string, value: unknown): [string, unknown] {
  const p = list<unknown>();
  p[0] = key;
  p[1] = value;
  return p as [string, unknown];
}

/** An own data property's value (enumerable ones only unless `any`); undefined for accessors. */
function ownData(o: object, key: string | number, any = false): { value: unknown } | undefined {
  const d = getOwnPropertyDescriptor(o, key);
  return d && 'value' in d && (any || d.enumerable) ? { value: d.value } : undefined;
}

/** A data property found on `o` or its prototypes, never through a getter. */
function inheritedData(o: object, key: string): unknown {
  for (let p: object | null = o; p !== null; p = getPrototypeOf(p)) {
    const d = getOwnPropertyDescriptor(p, key);
    if (d) return 'value' in d ? d.value : undefined;
  }
  return undefined;
}

/** Collects an iterator's values with the captured `next`. */
function drain(iterator: object, next: (...args: unknown[]) => unknown): unknown[] {
  const out = list<unknown>();
  for (;;) {
    const step = apply(next, iterator, []) as { done: boolean; value: unknown };
    if (step.done) return out;
    out[out.length] = step.value;
  }
}

// ---- conversion ----------------------------------------------------------------------------

/** How deep plain data may nest before the rest is cut. */
const MAX_DEPTH = 64;
const CIRCULAR = '[Circular]';

class Budget {
  constructor(public left: number) {}
  spend(n: number): void {
    this.left -= n;
    if (this.left < 0) throw BUDGET_EXCEEDED;
  }
}
const BUDGET_EXCEEDED = { budget: true };

/** `undefined` means "no plain form": omitted from objects, `null` in arrays. */
function plain(v: unknown, seen: object[], budget: Budget, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      budget.spend(v.length + 2);
      return v;
    case 'number':
      budget.spend(8);
      return numberIsFinite(v) ? (objectIs(v, -0) ? 0 : v) : null;
    case 'boolean':
      budget.spend(5);
      return v;
    case 'bigint': {
      const s = StringCtor(v);
      budget.spend(s.length + 2);
      return s;
    }
    case 'undefined':
    case 'symbol':
    case 'function':
      return undefined;
  }
  if (v === null) {
    budget.spend(4);
    return null;
  }
  const o = v as object;
  for (let i = 0; i < seen.length; i++) if (seen[i] === o) return CIRCULAR;
  if (depth >= MAX_DEPTH) throw BUDGET_EXCEEDED;
  const builtin = plainBuiltin(o, seen, budget, depth);
  if (builtin) return builtin.value;
  seen[seen.length] = o;
  try {
    return plainContainer(o, seen, budget, depth);
  } finally {
    seen.length--;
  }
}

/** Dates, regexps, boxed primitives, promises and weak collections, buffers and views; undefined for anything else. */
function plainBuiltin(o: object, seen: object[], budget: Budget, depth: number): { value: unknown } | undefined {
  if (hasBrand(dateGetTime, o)) {
    const t = apply(dateGetTime, o, []) as number;
    return { value: t === t ? apply(dateToISOString, o, []) : null };
  }
  if (hasBrand(regexpSource, o) && o !== protoOf(RegExp)) {
    let flags = '';
    for (let i = 0; i < regexpFlags.length; i++) if (apply(regexpFlags[i]![1], o, [])) flags += regexpFlags[i]![0];
    return { value: `/${apply(regexpSource, o, []) as string}/${flags}` };
  }
  if (hasBrand(numberValueOf, o)) return { value: plain(apply(numberValueOf, o, []), seen, budget, depth) };
  if (hasBrand(stringValueOf, o)) return { value: plain(apply(stringValueOf, o, []), seen, budget, depth) };
  if (hasBrand(booleanValueOf, o)) return { value: plain(apply(booleanValueOf, o, []), seen, budget, depth) };
  if (apply(isPrototypeOf, promiseProto, [o]) || hasBrand(weakMapHas, o, [{}]) || hasBrand(weakSetHas, o, [{}])) return { value: undefined };
  if (hasBrand(bufferByteLength, o)) return { value: plainList(new Uint8ArrayCtor(o as ArrayBuffer), seen, budget, depth) };
  if (!isView(o)) return undefined;
  if (hasBrand(dataViewBuffer, o)) {
    const bytes = new Uint8ArrayCtor(apply(dataViewBuffer, o, []) as ArrayBuffer, apply(dataViewOffset, o, []) as number, apply(dataViewLength, o, []) as number);
    return { value: plainList(bytes, seen, budget, depth) };
  }
  if (hasBrand(typedArrayBuffer, o)) return { value: plainList(o as unknown as ArrayLike<unknown>, seen, budget, depth, apply(typedArrayLength, o, []) as number) };
  return undefined;
}

/** Arrays, sets, maps, errors and other objects (their own enumerable data properties). */
function plainContainer(o: object, seen: object[], budget: Budget, depth: number): unknown {
  if (isArray(o)) return plainArray(o as unknown[], seen, budget, depth);
  if (hasBrand(setSize, o)) return plainList(drain(apply(setValues, o, []) as object, setIteratorNext), seen, budget, depth);
  if (hasBrand(mapSize, o)) {
    const entries = drain(apply(mapEntries, o, []) as object, mapIteratorNext) as Array<[unknown, unknown]>;
    let stringKeys = true;
    for (let i = 0; i < entries.length; i++) if (typeof entries[i]![0] !== 'string') stringKeys = false;
    return stringKeys ? plainObject(entries as Array<[string, unknown]>, seen, budget, depth) : plainList(entries, seen, budget, depth);
  }
  const fields = list<[string, unknown]>();
  const field = (key: string, value: unknown) => (fields[fields.length] = pair(key, value));
  if (apply(isPrototypeOf, errorProto, [o])) {
    const name = inheritedData(o, 'name');
    const message = ownData(o, 'message', true)?.value;
    const stack = ownData(o, 'stack', true)?.value;
    field('name', typeof name === 'string' ? name : 'Error');
    field('message', typeof message === 'string' ? message : '');
    if (typeof stack === 'string' && stack) field('stack', stack);
    return plainObject(fields, seen, budget, depth);
  }
  const names = keys(o);
  for (let i = 0; i < names.length; i++) {
    const prop = ownData(o, names[i]!);
    if (prop) field(names[i]!, prop.value);
  }
  return plainObject(fields, seen, budget, depth);
}

function plainList(items: ArrayLike<unknown>, seen: object[], budget: Budget, depth: number, length = items.length): unknown[] {
  const out = list<unknown>();
  budget.spend(2);
  for (let i = 0; i < length; i++) {
    const item = plain(items[i], seen, budget, depth + 1);
    out[i] = item === undefined ? null : item;
    budget.spend(1);
  }
  return out;
}

/** An array read index by index through own data properties: a hole or a getter is `null`. */
function plainArray(array: unknown[], seen: object[], budget: Budget, depth: number): unknown[] {
  const length = ownData(array, 'length', true)?.value as number;
  const out = list<unknown>();
  budget.spend(2);
  for (let i = 0; i < length; i++) {
    const slot = ownData(array, i, true);
    const item = slot ? plain(slot.value, seen, budget, depth + 1) : undefined;
    out[i] = item === undefined ? null : item;
    budget.spend(1);
  }
  return out;
}

function plainObject(fields: Array<[string, unknown]>, seen: object[], budget: Budget, depth: number): Record<string, unknown> {
  // Keys are defined, never assigned: a "__proto__" key stays an ordinary own property.
  const out = record();
  budget.spend(2);
  for (let i = 0; i < fields.length; i++) {
    const key = fields[i]![0];
    const item = plain(fields[i]![1], seen, budget, depth + 1);
    if (item === undefined) continue;
    budget.spend(key.length + 4);
    defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Describes a guest value within about `maxBytes` bytes of value and as many of text. A value
 * whose plain form would not fit is left out (`truncated`); the text is cut instead.
 */
export function describe(value: unknown, maxBytes: number): Described {
  // Every key is an own data property, so the worker's reads never reach a prototype.
  const out: Described = { valueJson: undefined, text: undefined, truncated: false };
  if (value === undefined) return out;
  let text: string;
  try {
    text = inspect(value);
  } catch (error) {
    text = `[value could not be displayed: ${StringCtor(error)}]`;
  }
  if (typeof text !== 'string') text = '[value could not be displayed]';
  if (utf8Length(text) > maxBytes) {
    text = cutUtf8(text, maxBytes);
    out.truncated = true;
  }
  out.text = text;
  try {
    const v = plain(value, list<object>(), new Budget(maxBytes), 0);
    if (v !== undefined) {
      const json = stringify(v);
      if (utf8Length(json) <= maxBytes) out.valueJson = json;
      else out.truncated = true;
    }
  } catch (error) {
    if (error !== BUDGET_EXCEEDED) throw error;
    out.truncated = true;
  }
  return out;
}
