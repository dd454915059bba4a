/**
 * A port of the parts of Node's `util.inspect` and `util.format` that model-written code relies
 * on, so `console.log` inside the sandbox prints what the model expects from Node. Runs inside the
 * guest engine (QuickJS): it may only use the language itself, no host APIs. The unit tests compare
 * it with Node's own output.
 */

/** Options of {@link inspect}. */
export interface InspectOptions {
  /** Levels of nesting shown before `[Object]`. Node's default is 2. */
  depth?: number;
  /** Array and Set entries shown before `... N more items`. Node's default is 100. */
  maxArrayLength?: number;
  /** String characters shown before `... N more characters`. Node's default is 10000. */
  maxStringLength?: number;
}

interface Ctx {
  depth: number;
  maxArrayLength: number;
  maxStringLength: number;
  breakLength: number;
  compact: number;
  indentationLvl: number;
  currentDepth: number;
  seen: unknown[];
  circular: Map<unknown, number>;
}

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\\': '\\\\' };

/** Quotes a string the way Node does: single quotes unless the string holds them. */
export function quote(s: string): string {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes('`') && !s.includes('${')) q = '`';
  }
  let out = '';
  for (const ch of s) {
    if (ch === q) out += '\\' + ch;
    else if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (ch < ' ' || ch === '\x7f') out += '\\x' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return q + out + q;
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function formatPrimitive(v: unknown, ctx: Ctx): string {
  switch (typeof v) {
    case 'string': {
      let trailer = '';
      let s = v as string;
      if (s.length > ctx.maxStringLength) {
        trailer = `... ${s.length - ctx.maxStringLength} more character${s.length - ctx.maxStringLength > 1 ? 's' : ''}`;
        s = s.slice(0, ctx.maxStringLength);
      }
      return quote(s) + trailer;
    }
    case 'number':
      return formatNumber(v as number);
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return (v as symbol).toString();
    default:
      return String(v);
  }
}

function ownDescriptor(o: object, key: PropertyKey): PropertyDescriptor | undefined {
  try {
    return Object.getOwnPropertyDescriptor(o, key);
  } catch {
    return undefined;
  }
}

/** The constructor name of `v`'s prototype, or null for a null prototype. */
function constructorName(v: object): string | null {
  let proto: object | null = Object.getPrototypeOf(v);
  while (proto !== null) {
    const ctor = ownDescriptor(proto, 'constructor')?.value;
    if (typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '') return ctor.name;
    proto = Object.getPrototypeOf(proto);
  }
  return null;
}

function functionBase(fn: Function, ctorName: string | null): string {
  let source = '';
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    /* a revoked proxy or similar */
  }
  const name = typeof fn.name === 'string' ? fn.name : '';
  if (source.startsWith('class') && /^class\b/.test(source)) {
    const ext = Object.getPrototypeOf(fn);
    const superName = typeof ext === 'function' && ext.name ? ` extends ${ext.name}` : '';
    return `[class ${name || '(anonymous)'}${superName}]`;
  }
  let type = 'Function';
  if (ctorName === 'AsyncFunction') type = 'AsyncFunction';
  else if (ctorName === 'GeneratorFunction') type = 'GeneratorFunction';
  else if (ctorName === 'AsyncGeneratorFunction') type = 'AsyncGeneratorFunction';
  return name ? `[${type}: ${name}]` : `[${type} (anonymous)]`;
}

function formatKey(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? key : quote(key);
}

function formatProperty(ctx: Ctx, value: object, key: string | symbol, recurseTimes: number, isArrayItem = false): string {
  const desc = ownDescriptor(value, key);
  let str: string;
  if (desc === undefined) str = 'undefined';
  else if ('value' in desc) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (desc.get) str = desc.set ? '[Getter/Setter]' : '[Getter]';
  else str = desc.set ? '[Setter]' : 'undefined';
  if (isArrayItem) return str;
  return `${formatKey(key)}: ${str}`;
}

/** Own enumerable string keys plus enumerable symbols, as Node shows them. */
function shownKeys(value: object, skipIndices: boolean): Array<string | symbol> {
  let keys: Array<string | symbol> = Object.keys(value);
  if (skipIndices) keys = keys.filter((k) => !(typeof k === 'string' && /^(0|[1-9][0-9]*)$/.test(k)));
  for (const sym of Object.getOwnPropertySymbols(value)) {
    if (ownDescriptor(value, sym)?.enumerable) keys.push(sym);
  }
  return keys;
}

function isTypedArray(v: object): v is Uint8Array {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function errorText(err: Error): string {
  const name = typeof err.name === 'string' ? err.name : 'Error';
  const message = typeof err.message === 'string' ? err.message : '';
  const head = message ? `${name}: ${message}` : name;
  const stack = typeof err.stack === 'string' ? err.stack : '';
  // QuickJS stacks hold only the frames; V8's start with the head line.
  if (stack.startsWith(head)) return stack.replace(/\n+$/, '');
  return stack ? `${head}\n${stack.replace(/\n+$/, '')}` : stack === '' ? `[${head}]` : head;
}

function formatValue(ctx: Ctx, value: unknown, recurseTimes: number): string {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
  if (value === null) return 'null';
  if (ctx.seen.includes(value)) {
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value as object, recurseTimes);
}

/** How an object is shown: its braces, a base text (a function, a date…), which keys, and how entries are listed. */
interface Shape {
  braces: [string, string];
  base: string;
  keys: Array<string | symbol>;
  formatter: (ctx: Ctx, value: any, recurseTimes: number) => string[];
  extrasType: 'object' | 'array';
  noEntries: boolean;
}

function formatRaw(ctx: Ctx, value: object, recurseTimes: number): string {
  const shape = shapeOf(ctx, value);
  if (typeof shape === 'string') return shape;
  const { braces, keys, formatter, extrasType, noEntries } = shape;
  let { base } = shape;
  if (recurseTimes > ctx.depth) {
    const name = Array.isArray(value) ? 'Array' : (constructorName(value) ?? 'Object');
    return `[${name}]`;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output: string[];
  try {
    output = noEntries ? [] : formatter(ctx, value, recurseTimes);
    for (const key of keys) output.push(formatProperty(ctx, value, key, recurseTimes));
  } finally {
    ctx.seen.pop();
  }
  const ref = ctx.circular.get(value);
  if (ref !== undefined) {
    const marker = `<ref *${ref}>`;
    if (base) base = `${marker} ${base}`;
    else braces[0] = `${marker} ${braces[0]}`;
  }
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

/** The shape of a collection (array, set, map, typed array), or {@link otherShape}; a string when nothing more is shown. */
function shapeOf(ctx: Ctx, value: object): Shape | string {
  const ctorName = constructorName(value);
  const shape = (braces: [string, string], keys: Array<string | symbol>, formatter: Shape['formatter'], extrasType: Shape['extrasType'] = 'object'): Shape => ({
    braces,
    base: '',
    keys,
    formatter,
    extrasType,
    noEntries: false,
  });
  if (Array.isArray(value)) {
    const keys = shownKeys(value, true);
    const prefix = ctorName !== 'Array' ? `${ctorName ?? '[Array: null prototype]'}(${value.length}) ` : '';
    return value.length === 0 && keys.length === 0 ? `${prefix}[]` : shape([`${prefix}[`, ']'], keys, formatArray, 'array');
  }
  if (value instanceof Set) {
    const keys = shownKeys(value, false);
    const open = `${ctorName ?? 'Set'}(${value.size}) {`;
    return value.size === 0 && keys.length === 0 ? `${open}}` : shape([open, '}'], keys, formatSet);
  }
  if (value instanceof Map) {
    const keys = shownKeys(value, false);
    const open = `${ctorName ?? 'Map'}(${value.size}) {`;
    return value.size === 0 && keys.length === 0 ? `${open}}` : shape([open, '}'], keys, formatMap);
  }
  if (isTypedArray(value)) {
    const keys = shownKeys(value, true);
    const open = `${ctorName}(${value.length}) [`;
    return value.length === 0 && keys.length === 0 ? `${open}]` : shape([open, ']'], keys, formatTypedArray, 'array');
  }
  return otherShape(ctx, value, ctorName);
}

/** Functions, regexps, dates, errors, buffers, promises, weak collections, boxed primitives, plain objects. */
function otherShape(ctx: Ctx, value: object, ctorName: string | null): Shape | string {
  const prefix = ctorName === null ? '[Object: null prototype] ' : ctorName !== 'Object' ? `${ctorName} ` : '';
  let keys = shownKeys(value, false);
  const withBase = (base: string): Shape | string => (keys.length === 0 ? base : { braces: ['{', '}'], base, keys, formatter: () => [], extrasType: 'object', noEntries: true });
  if (typeof value === 'function') {
    keys = keys.filter((k) => k !== 'prototype');
    return withBase(functionBase(value, ctorName));
  }
  if (value instanceof RegExp) return withBase(RegExp.prototype.toString.call(value));
  if (value instanceof Date) {
    const t = Date.prototype.getTime.call(value);
    return withBase(Number.isNaN(t) ? 'Invalid Date' : Date.prototype.toISOString.call(value));
  }
  if (value instanceof Error) {
    keys = keys.filter((k) => k !== 'stack' && k !== 'message');
    return withBase(errorText(value));
  }
  if (value instanceof ArrayBuffer) {
    const bytes = new Uint8Array(value);
    const shown = Array.from(bytes.subarray(0, 50), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const more = bytes.length > 50 ? ` ... ${bytes.length - 50} more byte${bytes.length - 50 > 1 ? 's' : ''}` : '';
    return `ArrayBuffer { [Uint8Contents]: <${shown}${more}>, byteLength: ${bytes.length} }`;
  }
  if (value instanceof Promise) return { braces: ['Promise {', '}'], base: '', keys, formatter: () => ['<unknown>'], extrasType: 'object', noEntries: false };
  if (value instanceof WeakMap || value instanceof WeakSet) return `${ctorName} { <items unknown> }`;
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    const type = value instanceof Number ? 'Number' : value instanceof String ? 'String' : 'Boolean';
    if (value instanceof String) keys = keys.filter((k) => !(typeof k === 'string' && /^\d+$/.test(k)));
    return withBase(`[${type}: ${formatPrimitive(value.valueOf(), ctx)}]`);
  }
  if (keys.length === 0) return `${prefix}{}`;
  return { braces: [`${prefix}{`, '}'], base: '', keys, formatter: () => [], extrasType: 'object', noEntries: false };
}

function formatArray(ctx: Ctx, value: unknown[], recurseTimes: number): string[] {
  const output: string[] = [];
  const len = value.length;
  const shown = Math.min(ctx.maxArrayLength, len);
  let holes = 0;
  let i = 0;
  for (; i < len && output.length < shown; i++) {
    if (!Object.prototype.hasOwnProperty.call(value, i)) {
      holes++;
      continue;
    }
    if (holes > 0) {
      output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      holes = 0;
      if (output.length >= shown) break;
    }
    output.push(formatProperty(ctx, value, String(i), recurseTimes, true));
  }
  if (holes > 0 && output.length < shown) {
    output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
    holes = 0;
  }
  const remaining = len - i + holes;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  return output;
}

function formatTypedArray(ctx: Ctx, value: Uint8Array, _recurseTimes: number): string[] {
  const shown = Math.min(ctx.maxArrayLength, value.length);
  const output: string[] = [];
  for (let i = 0; i < shown; i++) {
    const v = value[i] as number | bigint;
    output.push(typeof v === 'bigint' ? `${v}n` : formatNumber(v));
  }
  if (value.length > shown) output.push(`... ${value.length - shown} more item${value.length - shown > 1 ? 's' : ''}`);
  return output;
}

function formatSet(ctx: Ctx, value: Set<unknown>, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let n = 0;
  for (const v of value) {
    if (n++ >= ctx.maxArrayLength) break;
    output.push(formatValue(ctx, v, recurseTimes));
  }
  ctx.indentationLvl -= 2;
  if (value.size > ctx.maxArrayLength) output.push(`... ${value.size - ctx.maxArrayLength} more item${value.size - ctx.maxArrayLength > 1 ? 's' : ''}`);
  return output;
}

function formatMap(ctx: Ctx, value: Map<unknown, unknown>, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let n = 0;
  for (const [k, v] of value) {
    if (n++ >= ctx.maxArrayLength) break;
    output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
  }
  ctx.indentationLvl -= 2;
  if (value.size > ctx.maxArrayLength) output.push(`... ${value.size - ctx.maxArrayLength} more item${value.size - ctx.maxArrayLength > 1 ? 's' : ''}`);
  return output;
}

function isBelowBreakLength(ctx: Ctx, output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (const entry of output) {
    totalLength += entry.length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === '' || !base.includes('\n');
}

function groupArrayElements(ctx: Ctx, output: string[], value: unknown): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (output.length > 0 && output[output.length - 1]!.startsWith('... ') && / more items?$/.test(output[output.length - 1]!)) outputLength--;
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i]!.length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const tmp: string[] = [];
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if ((dataLen[j] ?? 0) > lineLength) lineLength = dataLen[j]!;
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    if (Array.isArray(value) || (typeof value === 'object' && value !== null && isTypedArray(value as object))) {
      const arr = value as ArrayLike<unknown>;
      for (let i = 0; i < output.length; i++) {
        if (typeof arr[i] !== 'number' && typeof arr[i] !== 'bigint') {
          padStart = false;
          break;
        }
      }
    }
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        str += padStart ? cell.padStart(maxLineLength[j - i]!, ' ') : cell.padEnd(maxLineLength[j - i]!, ' ');
      }
      str += padStart ? output[j]!.padStart(maxLineLength[j - i]! - separatorSpace, ' ') : output[j]!;
      tmp.push(str);
    }
    if (outputLength < output.length) tmp.push(output[outputLength]!);
    return tmp;
  }
  return output;
}

function reduceToSingleString(
  ctx: Ctx,
  output: string[],
  base: string,
  braces: [string, string],
  extrasType: 'object' | 'array',
  recurseTimes: number,
  value: unknown,
): string {
  const entries = output.length;
  if (extrasType === 'array' && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(ctx, output, start, base)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) {
        return `${base ? `${base} ` : ''}${braces[0]} ${joined}` + ` ${braces[1]}`;
      }
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

/** Formats any value the way Node's `util.inspect` does with default options. */
export function inspect(value: unknown, options: InspectOptions = {}): string {
  const ctx: Ctx = {
    depth: options.depth ?? 2,
    maxArrayLength: options.maxArrayLength ?? 100,
    maxStringLength: options.maxStringLength ?? 10000,
    breakLength: 80,
    compact: 3,
    indentationLvl: 0,
    currentDepth: 0,
    seen: [],
    circular: new Map(),
  };
  return formatValue(ctx, value, 0);
}

/** Formats `console.log` arguments the way Node's `util.format` does, `%s`/`%d`/`%o`… included. */
export function format(...args: unknown[]): string {
  const first = args[0];
  let out = '';
  let a = 0;
  if (typeof first === 'string' && args.length > 1 && first.includes('%')) {
    a = 1;
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first[i] !== '%') continue;
      const c = first[i + 1]!;
      if (c === '%') {
        out += first.slice(last, i) + '%';
        last = i + 2;
        i++;
        continue;
      }
      if (a >= args.length) continue;
      const piece = formatDirective(c, args[a]);
      if (piece === undefined) continue;
      out += first.slice(last, i) + piece;
      last = i + 2;
      i++;
      a++;
    }
    out += first.slice(last);
  }
  for (; a < args.length; a++) {
    const arg = args[a];
    const piece = typeof arg === 'string' ? arg : inspect(arg);
    out += (a === 0 ? '' : ' ') + piece;
  }
  return out;
}

/** One `%` directive (`s d i f j o O c`) applied to `arg`, as Node does; undefined for an unknown letter. */
function formatDirective(c: string, arg: unknown): string | undefined {
  switch (c) {
    case 's':
      if (typeof arg === 'string') return arg;
      if (typeof arg === 'bigint') return `${arg}n`;
      if (typeof arg === 'object' && arg !== null) return hasUserToString(arg) ? String(arg) : inspect(arg, { depth: 1 });
      return formatPrimitiveTop(arg);
    case 'd':
    case 'i':
      if (typeof arg === 'bigint') return `${arg}n`;
      if (typeof arg === 'symbol') return 'NaN';
      return formatNumber(c === 'd' ? Number(arg) : parseInt(String(arg), 10));
    case 'f':
      return typeof arg === 'symbol' ? 'NaN' : formatNumber(parseFloat(String(arg)));
    case 'j':
      try {
        return String(JSON.stringify(arg)); // undefined (for undefined, functions) prints as such
      } catch {
        return '[Circular]';
      }
    case 'o':
      return inspect(arg, { depth: 4 });
    case 'O':
      return inspect(arg);
    case 'c':
      return '';
    default:
      return undefined;
  }
}

const BUILT_IN_TO_STRING: unknown[] = [
  Object.prototype.toString,
  Array.prototype.toString,
  Error.prototype.toString,
  Date.prototype.toString,
  RegExp.prototype.toString,
  Function.prototype.toString,
];

/** `%s` prints objects with their own toString() as a string, like Node. */
function hasUserToString(o: object): boolean {
  try {
    const ts = (o as { toString?: unknown }).toString;
    return typeof ts === 'function' && !BUILT_IN_TO_STRING.includes(ts);
  } catch {
    return false;
  }
}

function formatPrimitiveTop(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}
