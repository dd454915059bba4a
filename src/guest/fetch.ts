/**
 * `fetch`, `Headers` and `Response` for JavaScript guests whose sandbox grants network access. The
 * request crosses to the host as plain data; the host checks the allowlist and performs it.
 * Without a grant these globals do not exist.
 */
import type { HostBridge } from './host-bridge.js';
import { fromBase64, toBase64 } from '../shared/base64.js';
import { decodeUtf8, encodeUtf8 } from './web-apis.js';

/** Creates the network classes backed by `host`. */
export function createFetch(host: Pick<HostBridge, 'callHost'>) {
  class Headers {
    #map = new Map<string, string>();
    constructor(init?: unknown) {
      if (init instanceof Headers) init.forEach((v, k) => this.append(k, v));
      else if (Array.isArray(init)) for (const [k, v] of init as Array<[unknown, unknown]>) this.append(String(k), String(v));
      else if (init && typeof init === 'object') for (const k of Object.keys(init)) this.append(k, String((init as Record<string, unknown>)[k]));
    }
    append(name: string, value: string): void {
      const key = String(name).toLowerCase();
      const prior = this.#map.get(key);
      this.#map.set(key, prior === undefined ? String(value) : `${prior}, ${value}`);
    }
    set(name: string, value: string): void {
      this.#map.set(String(name).toLowerCase(), String(value));
    }
    get(name: string): string | null {
      return this.#map.get(String(name).toLowerCase()) ?? null;
    }
    has(name: string): boolean {
      return this.#map.has(String(name).toLowerCase());
    }
    delete(name: string): void {
      this.#map.delete(String(name).toLowerCase());
    }
    forEach(fn: (value: string, key: string, headers: Headers) => void): void {
      for (const [k, v] of this.entries()) fn(v, k, this);
    }
    *entries(): IterableIterator<[string, string]> {
      yield* [...this.#map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    }
    *keys(): IterableIterator<string> {
      for (const [k] of this.entries()) yield k;
    }
    *values(): IterableIterator<string> {
      for (const [, v] of this.entries()) yield v;
    }
    [Symbol.iterator](): IterableIterator<[string, string]> {
      return this.entries();
    }
  }

  class Response {
    readonly status: number;
    readonly statusText: string;
    readonly headers: Headers;
    readonly url: string;
    #bytes: Uint8Array;
    #used = false;
    constructor(bytes: Uint8Array, init: { status: number; statusText: string; headers: Array<[string, string]>; url: string }) {
      this.#bytes = bytes;
      this.status = init.status;
      this.statusText = init.statusText;
      this.headers = new Headers(init.headers);
      this.url = init.url;
    }
    get ok(): boolean {
      return this.status >= 200 && this.status < 300;
    }
    get bodyUsed(): boolean {
      return this.#used;
    }
    #take(): Uint8Array {
      if (this.#used) throw new TypeError('Body has already been consumed.');
      this.#used = true;
      return this.#bytes;
    }
    async arrayBuffer(): Promise<ArrayBuffer> {
      const b = this.#take();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }
    async bytes(): Promise<Uint8Array> {
      return this.#take().slice();
    }
    async text(): Promise<string> {
      return decodeUtf8(this.#take(), false);
    }
    async json(): Promise<unknown> {
      return JSON.parse(await this.text());
    }
  }

  function bodyBytes(body: unknown, headers: Headers): Uint8Array | undefined {
    if (body === undefined || body === null) return undefined;
    if (typeof body === 'string') {
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
      return encodeUtf8(body);
    }
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (typeof body === 'object' && body.constructor && body.constructor.name === 'URLSearchParams') {
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
      return encodeUtf8(String(body));
    }
    throw new TypeError('fetch: the body must be a string, ArrayBuffer, typed array or URLSearchParams');
  }

  async function fetch(input: unknown, init: { method?: string; headers?: unknown; body?: unknown } = {}): Promise<Response> {
    const url = typeof input === 'object' && input !== null && 'url' in input ? String((input as { url: unknown }).url) : String(input);
    const method = String(init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const bytes = bodyBytes(init.body, headers);
    const request = { url, method, headers: [...headers], ...(bytes && bytes.length ? { body: toBase64(bytes) } : {}) };
    const answer = JSON.parse(await host.callHost('fetch', '', JSON.stringify(request))) as {
      url: string;
      status: number;
      statusText: string;
      headers: Array<[string, string]>;
      body: string;
    };
    return new Response(fromBase64(answer.body), answer);
  }

  return { fetch, Headers, Response };
}
