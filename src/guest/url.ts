/**
 * URL and URLSearchParams for the guest. Parsing is the browser's own (asked of the host as plain
 * strings), so the guest gets WHATWG behaviour without a hand-written parser.
 */
import type { HostBridge } from './host-bridge.js';

type Pairs = Array<[string, string]>;
interface Parts {
  href: string;
  origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
}
const SETTABLE = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'] as const;

/** Creates the URL and URLSearchParams classes backed by `host`. */
export function createUrlClasses(host: Pick<HostBridge, 'parseURL' | 'updateURL' | 'formEncode' | 'formDecode'>) {
  const parse = (input: string, base?: string): Parts | null => {
    const json = host.parseURL(input, base);
    return json ? (JSON.parse(json) as Parts) : null;
  };

  class URLSearchParams {
    #list: Pairs = [];
    #onChange: ((query: string) => void) | undefined;

    constructor(init: unknown = '') {
      if (init instanceof URLSearchParams) this.#list = init.#list.map(([k, v]) => [k, v]);
      else if (typeof init === 'object' && init !== null) {
        const iter = (init as any)[Symbol.iterator];
        if (typeof iter === 'function') {
          for (const pair of init as Iterable<unknown>) {
            const arr = Array.from(pair as Iterable<unknown>);
            if (arr.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            this.#list.push([String(arr[0]), String(arr[1])]);
          }
        } else for (const key of Object.keys(init)) this.#list.push([key, String((init as any)[key])]);
      } else {
        let s = String(init);
        if (s.startsWith('?')) s = s.slice(1);
        this.#list = JSON.parse(host.formDecode(s)) as Pairs;
      }
    }
    /** @internal Links these params to a URL whose query they mirror. */
    static _link(params: URLSearchParams, onChange: (query: string) => void, query: string): void {
      params.#list = JSON.parse(host.formDecode(query.replace(/^\?/, ''))) as Pairs;
      params.#onChange = onChange;
    }
    #update(): void {
      this.#onChange?.(this.toString());
    }
    get size(): number {
      return this.#list.length;
    }
    append(name: unknown, value: unknown): void {
      this.#list.push([String(name), String(value)]);
      this.#update();
    }
    delete(name: unknown, value?: unknown): void {
      const n = String(name);
      this.#list = this.#list.filter(([k, v]) => k !== n || (value !== undefined && v !== String(value)));
      this.#update();
    }
    get(name: unknown): string | null {
      const n = String(name);
      return this.#list.find(([k]) => k === n)?.[1] ?? null;
    }
    getAll(name: unknown): string[] {
      const n = String(name);
      return this.#list.filter(([k]) => k === n).map(([, v]) => v);
    }
    has(name: unknown, value?: unknown): boolean {
      const n = String(name);
      return this.#list.some(([k, v]) => k === n && (value === undefined || v === String(value)));
    }
    set(name: unknown, value: unknown): void {
      const n = String(name);
      const i = this.#list.findIndex(([k]) => k === n);
      if (i < 0) this.#list.push([n, String(value)]);
      else {
        this.#list[i] = [n, String(value)];
        this.#list = this.#list.filter(([k], j) => k !== n || j === i);
      }
      this.#update();
    }
    sort(): void {
      this.#list = this.#list
        .map((pair, i) => [pair, i] as const)
        .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
        .map(([pair]) => pair);
      this.#update();
    }
    forEach(fn: (value: string, key: string, params: URLSearchParams) => void, thisArg?: unknown): void {
      for (const [k, v] of [...this.#list]) fn.call(thisArg, v, k, this);
    }
    *entries(): IterableIterator<[string, string]> {
      for (const [k, v] of this.#list) yield [k, v];
    }
    *keys(): IterableIterator<string> {
      for (const [k] of this.#list) yield k;
    }
    *values(): IterableIterator<string> {
      for (const [, v] of this.#list) yield v;
    }
    [Symbol.iterator](): IterableIterator<[string, string]> {
      return this.entries();
    }
    toString(): string {
      return host.formEncode(JSON.stringify(this.#list));
    }
  }

  class URL {
    #parts: Parts;
    #params: URLSearchParams;

    constructor(input: unknown, base?: unknown) {
      const parts = parse(String(input), base === undefined ? undefined : String(base));
      if (!parts) throw new TypeError(`Invalid URL: ${String(input)}`);
      this.#parts = parts;
      this.#params = new URLSearchParams();
      this.#relink();
    }
    static canParse(input: unknown, base?: unknown): boolean {
      return parse(String(input), base === undefined ? undefined : String(base)) !== null;
    }
    static parse(input: unknown, base?: unknown): URL | null {
      try {
        return new URL(input, base);
      } catch {
        return null;
      }
    }
    #relink(): void {
      URLSearchParams._link(this.#params, (query) => this.#set('search', query), this.#parts.search);
    }
    #set(key: (typeof SETTABLE)[number], value: unknown): void {
      const json = host.updateURL(this.#parts.href, key, String(value));
      if (json) this.#parts = JSON.parse(json) as Parts;
      else if (key === 'href') throw new TypeError(`Invalid URL: ${String(value)}`);
    }
    #setAndRelink(key: (typeof SETTABLE)[number], value: unknown): void {
      this.#set(key, value);
      this.#relink();
    }
    get searchParams(): URLSearchParams {
      return this.#params;
    }
    get origin(): string {
      return this.#parts.origin;
    }
    get href(): string {
      return this.#parts.href;
    }
    set href(v: string) {
      this.#setAndRelink('href', v);
    }
    get protocol(): string {
      return this.#parts.protocol;
    }
    set protocol(v: string) {
      this.#set('protocol', v);
    }
    get username(): string {
      return this.#parts.username;
    }
    set username(v: string) {
      this.#set('username', v);
    }
    get password(): string {
      return this.#parts.password;
    }
    set password(v: string) {
      this.#set('password', v);
    }
    get host(): string {
      return this.#parts.host;
    }
    set host(v: string) {
      this.#set('host', v);
    }
    get hostname(): string {
      return this.#parts.hostname;
    }
    set hostname(v: string) {
      this.#set('hostname', v);
    }
    get port(): string {
      return this.#parts.port;
    }
    set port(v: string) {
      this.#set('port', v);
    }
    get pathname(): string {
      return this.#parts.pathname;
    }
    set pathname(v: string) {
      this.#set('pathname', v);
    }
    get search(): string {
      return this.#parts.search;
    }
    set search(v: string) {
      this.#setAndRelink('search', v);
    }
    get hash(): string {
      return this.#parts.hash;
    }
    set hash(v: string) {
      this.#set('hash', v);
    }
    toString(): string {
      return this.#parts.href;
    }
    toJSON(): string {
      return this.#parts.href;
    }
  }
  return { URL, URLSearchParams };
}
