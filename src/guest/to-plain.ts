/**
 * Turns a guest value into plain JSON data plus its REPL text, inside the guest engine, so that
 * nothing larger than the caps ever leaves it. Runs in QuickJS; the unit tests run it in Node.
 */
import { inspect } from './inspect.js';

/** The envelope {@link describe} returns, as JSON: value, text, truncated. */
export interface Described {
  v?: unknown;
  t?: string;
  x?: true;
}

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

/** The number of bytes `s` takes as UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes, never inside a surrogate pair. */
export function cutUtf8(s: string, maxBytes: number): string {
  if (s.length <= maxBytes / 3) return s;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (n + size > maxBytes) return s.slice(0, i);
    n += size;
    if (pair) i++;
  }
  return s;
}

function dataProperty(o: object, key: string): { value: unknown } | undefined {
  const d = Object.getOwnPropertyDescriptor(o, key);
  return d && 'value' in d && d.enumerable ? { value: d.value } : undefined;
}

/** `undefined` means "no plain form": omitted from objects, `null` in arrays. */
function plain(v: unknown, seen: object[], budget: Budget, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      budget.spend(v.length + 2);
      return v;
    case 'number':
      budget.spend(8);
      return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
    case 'boolean':
      budget.spend(5);
      return v;
    case 'bigint':
      budget.spend(String(v).length + 2);
      return String(v);
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
  if (seen.includes(o)) return CIRCULAR;
  if (depth >= MAX_DEPTH) throw BUDGET_EXCEEDED;
  if (o instanceof Date) {
    const t = Date.prototype.getTime.call(o);
    return Number.isNaN(t) ? null : Date.prototype.toISOString.call(o);
  }
  if (o instanceof RegExp) return RegExp.prototype.toString.call(o);
  if (o instanceof Number || o instanceof String || o instanceof Boolean) return plain(o.valueOf(), seen, budget, depth);
  if (o instanceof Promise || o instanceof WeakMap || o instanceof WeakSet) return undefined;
  if (o instanceof ArrayBuffer) return plainList(new Uint8Array(o), seen, budget, depth);
  if (ArrayBuffer.isView(o)) {
    if (o instanceof DataView) return plainList(new Uint8Array(o.buffer, o.byteOffset, o.byteLength), seen, budget, depth);
    return plainList(o as unknown as ArrayLike<unknown>, seen, budget, depth);
  }
  seen.push(o);
  try {
    if (Array.isArray(o)) return plainList(o, seen, budget, depth);
    if (o instanceof Set) return plainList(Array.from(o), seen, budget, depth);
    if (o instanceof Map) {
      const entries = Array.from(o);
      if (entries.every(([k]) => typeof k === 'string')) return plainObject(entries as Array<[string, unknown]>, seen, budget, depth);
      return plainList(entries, seen, budget, depth);
    }
    if (o instanceof Error) {
      const fields: Array<[string, unknown]> = [
        ['name', String(o.name)],
        ['message', String(o.message)],
      ];
      if (typeof o.stack === 'string' && o.stack) fields.push(['stack', o.stack]);
      return plainObject(fields, seen, budget, depth);
    }
    const fields: Array<[string, unknown]> = [];
    for (const key of Object.keys(o)) {
      const prop = dataProperty(o, key);
      if (prop) fields.push([key, prop.value]);
    }
    return plainObject(fields, seen, budget, depth);
  } finally {
    seen.pop();
  }
}

function plainList(list: ArrayLike<unknown>, seen: object[], budget: Budget, depth: number): unknown[] {
  const out: unknown[] = [];
  budget.spend(2);
  for (let i = 0; i < list.length; i++) {
    const item = plain(list[i], seen, budget, depth + 1);
    out.push(item === undefined ? null : item);
    budget.spend(1);
  }
  return out;
}

function plainObject(fields: Array<[string, unknown]>, seen: object[], budget: Budget, depth: number): Record<string, unknown> {
  // Keys are defined, never assigned: a "__proto__" key stays an ordinary own property.
  const out: Record<string, unknown> = {};
  budget.spend(2);
  for (const [key, value] of fields) {
    const item = plain(value, seen, budget, depth + 1);
    if (item === undefined) continue;
    budget.spend(key.length + 4);
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Describes a guest value as a JSON envelope ({@link Described}) of at most about `maxBytes`
 * bytes of value and as many of text. A value whose plain form would not fit is left out
 * (`x: true`); the text is cut instead.
 */
export function describe(value: unknown, maxBytes: number): string {
  if (value === undefined) return '{}';
  const out: Described = {};
  let text: string;
  try {
    text = inspect(value);
  } catch (error) {
    text = `[value could not be displayed: ${String(error)}]`;
  }
  if (utf8Length(text) > maxBytes) {
    text = cutUtf8(text, maxBytes);
    out.x = true;
  }
  out.t = text;
  try {
    const v = plain(value, [], new Budget(maxBytes), 0);
    if (v !== undefined) {
      const json = JSON.stringify(v);
      if (utf8Length(json) <= maxBytes) out.v = v;
      else out.x = true;
    }
  } catch (error) {
    if (error !== BUDGET_EXCEEDED) throw error;
    out.x = true;
  }
  return JSON.stringify(out);
}
