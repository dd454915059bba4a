/**
 * Small Web APIs that model-written code expects and QuickJS lacks: TextEncoder/TextDecoder
 * (UTF-8), atob/btoa, DOMException, structuredClone and crypto's random functions. Pure language
 * code, run inside the guest; randomness is the only thing asked of the host.
 */

/** A minimal DOMException: name, message and the legacy code of the names we use. */
export class DOMException extends Error {
  readonly code: number;
  constructor(message = '', name = 'Error') {
    super(message);
    Object.defineProperty(this, 'name', { value: name, configurable: true, writable: true });
    this.code = ({ InvalidCharacterError: 5, DataCloneError: 25, QuotaExceededError: 22, TypeMismatchError: 17 } as Record<string, number>)[name] ?? 0;
  }
}

// ---- UTF-8 ---------------------------------------------------------------------------------

/** Encodes a string as UTF-8; lone surrogates become U+FFFD. */
export function encodeUtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/** Decodes UTF-8 with the WHATWG algorithm: each invalid sequence becomes one U+FFFD, or throws when `fatal`. */
export function decodeUtf8(bytes: Uint8Array, fatal: boolean): string {
  let out = '';
  let units: number[] = [];
  const push = (cp: number) => {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023));
    } else units.push(cp);
    if (units.length > 8192) {
      out += String.fromCharCode(...units);
      units = [];
    }
  };
  const error = () => {
    if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
    push(0xfffd);
  };
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b <= 0x7f) push(b);
      else if (b >= 0xc2 && b <= 0xdf) [needed, cp] = [1, b & 0x1f];
      else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        [needed, cp] = [2, b & 0xf];
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        [needed, cp] = [3, b & 0x7];
      } else error();
      continue;
    }
    if (b < lower || b > upper) {
      [needed, seen, cp, lower, upper] = [0, 0, 0, 0x80, 0xbf];
      error();
      i--; // the byte starts over as a possible lead byte
      continue;
    }
    [lower, upper] = [0x80, 0xbf];
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      push(cp);
      [needed, seen, cp] = [0, 0, 0];
    }
  }
  if (needed) error();
  return out + String.fromCharCode(...units);
}

function toBytes(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('The "input" argument must be an ArrayBuffer or ArrayBufferView');
}

const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];

/** The WHATWG TextEncoder (UTF-8 only, as the standard says). */
export class TextEncoder {
  get encoding(): string {
    return 'utf-8';
  }
  encode(input: unknown = ''): Uint8Array {
    return encodeUtf8(String(input));
  }
  encodeInto(input: unknown, dest: Uint8Array): { read: number; written: number } {
    const s = String(input);
    let read = 0;
    let written = 0;
    for (const ch of s) {
      const bytes = encodeUtf8(ch);
      if (written + bytes.length > dest.length) break;
      dest.set(bytes, written);
      written += bytes.length;
      read += ch.length;
    }
    return { read, written };
  }
}

/** The WHATWG TextDecoder for UTF-8; other encodings throw RangeError. */
export class TextDecoder {
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  constructor(label: unknown = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    if (!UTF8_LABELS.includes(String(label).trim().toLowerCase())) {
      throw new RangeError(`The "${String(label)}" encoding is not supported (only utf-8 is)`);
    }
    this.fatal = Boolean(options.fatal);
    this.ignoreBOM = Boolean(options.ignoreBOM);
  }
  get encoding(): string {
    return 'utf-8';
  }
  decode(input?: unknown): string {
    let bytes = toBytes(input);
    if (!this.ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    return decodeUtf8(bytes, this.fatal);
  }
}

// ---- base64 --------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The browser's btoa: Latin-1 string to base64. */
export function btoa(input: unknown): string {
  const s = String(input);
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i);
    const b = i + 1 < s.length ? s.charCodeAt(i + 1) : -1;
    const c = i + 2 < s.length ? s.charCodeAt(i + 2) : -1;
    if (a > 255 || b > 255 || c > 255) throw new DOMException('Invalid character', 'InvalidCharacterError');
    out += B64[a >> 2]! + B64[((a & 3) << 4) | (b < 0 ? 0 : b >> 4)]!;
    out += b < 0 ? '=' : B64[((b & 15) << 2) | (c < 0 ? 0 : c >> 6)]!;
    out += c < 0 ? '=' : B64[c & 63]!;
  }
  return out;
}

/** The browser's atob: base64 (whitespace allowed, padding optional) to a Latin-1 string. */
export function atob(input: unknown): string {
  let s = String(input).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/==?$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
    throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const ch of s) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 255);
    }
  }
  return out;
}

// ---- structuredClone -----------------------------------------------------------------------

const ERROR_TYPES: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/** The HTML structured clone algorithm for the types QuickJS has; cycles and sharing kept. */
export function structuredClone(value: unknown): unknown {
  const memory = new Map<object, unknown>();
  const clone = (v: unknown): unknown => {
    if (typeof v === 'symbol') throw new DOMException(`${String(v)} could not be cloned.`, 'DataCloneError');
    if (typeof v === 'function') throw new DOMException(`${String(v).slice(0, 60)} could not be cloned.`, 'DataCloneError');
    if (typeof v !== 'object' || v === null) return v;
    if (memory.has(v)) return memory.get(v);
    let out: any;
    if (v instanceof Boolean || v instanceof Number || v instanceof String) out = Object(v.valueOf());
    else if (v instanceof Date) out = new Date(v.getTime());
    else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
    else if (v instanceof ArrayBuffer) out = v.slice(0);
    else if (ArrayBuffer.isView(v)) {
      const buffer = clone(v.buffer) as ArrayBuffer;
      const Ctor = (v as any).constructor as new (b: ArrayBuffer, o: number, l: number) => unknown;
      const length = v instanceof DataView ? v.byteLength : (v as Uint8Array).length;
      out = new Ctor(buffer, v.byteOffset, length);
    } else if (v instanceof Error) {
      const Ctor = ERROR_TYPES[v.name] ?? Error;
      out = new Ctor(v.message);
      memory.set(v, out);
      if (typeof v.stack === 'string') out.stack = v.stack;
      return out;
    } else if (v instanceof Map) {
      out = new Map();
      memory.set(v, out);
      for (const [k, val] of v) out.set(clone(k), clone(val));
      return out;
    } else if (v instanceof Set) {
      out = new Set();
      memory.set(v, out);
      for (const item of v) out.add(clone(item));
      return out;
    } else if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) {
      throw new DOMException(`#<${v.constructor.name}> could not be cloned.`, 'DataCloneError');
    } else {
      out = Array.isArray(v) ? new Array(v.length) : {};
      memory.set(v, out);
      for (const key of Object.keys(v)) {
        Object.defineProperty(out, key, { value: clone((v as any)[key]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    memory.set(v, out);
    return out;
  };
  return clone(value);
}

// ---- crypto --------------------------------------------------------------------------------

/** `crypto.getRandomValues` and `crypto.randomUUID`, drawing bytes from the host. */
export function createCrypto(randomBytes: (n: number) => ArrayBuffer) {
  const getRandomValues = <T extends ArrayBufferView>(array: T): T => {
    if (!ArrayBuffer.isView(array) || array instanceof DataView || array instanceof Float32Array || array instanceof Float64Array) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > 65536) {
      throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
    }
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(new Uint8Array(randomBytes(array.byteLength)));
    return array;
  };
  const randomUUID = (): string => {
    const b = getRandomValues(new Uint8Array(16));
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  return { getRandomValues, randomUUID };
}
