/**
 * Builds the {@link HostBridge} object inside a QuickJS context: each bridge function becomes a
 * guest function that converts its arguments to plain strings and numbers before the worker
 * touches them. This is the guest's only way out of the engine.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten-core';
import type { HostBridge } from '../../guest/host-bridge.js';

/** The URL parts the guest's URL class reads. */
function urlParts(u: URL): string {
  const { href, origin, protocol, username, password, host, hostname, port, pathname, search, hash } = u;
  return JSON.stringify({ href, origin, protocol, username, password, host, hostname, port, pathname, search, hash });
}

const URL_KEYS = new Set(['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash']);

/** What the bridge needs from the engine: where output goes, and the tools of the current run. */
export interface BridgeTarget {
  write(stream: number, text: string): number;
  toolNames: string[];
  network: boolean;
  callHost(kind: 'tool' | 'fetch', name: string, args: string): Promise<string>;
}

/** The worker-side implementations of the bridge. */
export function hostBridge(target: BridgeTarget): HostBridge {
  const write = (stream: number, text: string) => target.write(stream, text);
  return {
    write,
    now: () => performance.now(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(Math.min(Math.max(0, n | 0), 65536))).buffer as ArrayBuffer,
    parseURL: (input, base) => {
      try {
        return urlParts(new URL(input, base));
      } catch {
        return '';
      }
    },
    updateURL: (href, key, value) => {
      if (!URL_KEYS.has(key)) return '';
      try {
        const u = new URL(href);
        (u as unknown as Record<string, string>)[key] = value;
        return urlParts(u);
      } catch {
        return '';
      }
    },
    formEncode: (pairs) => new URLSearchParams(JSON.parse(pairs) as string[][]).toString(),
    formDecode: (query) => JSON.stringify([...new URLSearchParams(query)]),
    toolNames: () => JSON.stringify(target.toolNames),
    callHost: (kind, name, args) => target.callHost(kind, name, args),
    networkAllowed: () => (target.network ? 1 : 0),
  };
}

/**
 * Creates the bridge object in `ctx`. `write` returns the bytes left on the stream, which the
 * guest uses to avoid handing over text that would be cut anyway. The caller owns the handle, and
 * `pending`: the promises of host calls not answered yet, which hold handles of the context and
 * must be disposed before it is (QuickJS refuses to free a runtime that still has live objects).
 */
export function newHostBridgeHandle(ctx: QuickJSContext, target: BridgeTarget, pending: Set<QuickJSDeferredPromise>): QuickJSHandle {
  const bridge = hostBridge(target);
  const obj = ctx.newObject();
  const str = (h: QuickJSHandle | undefined) => (h === undefined ? '' : ctx.getString(h));
  const optStr = (h: QuickJSHandle | undefined) => (h === undefined || ctx.typeof(h) === 'undefined' ? undefined : ctx.getString(h));
  const fns: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle> = {
    write: (stream, text) => ctx.newNumber(bridge.write(stream ? ctx.getNumber(stream) : 0, str(text))),
    now: () => ctx.newNumber(bridge.now()),
    randomBytes: (n) => ctx.newArrayBuffer(bridge.randomBytes(n ? ctx.getNumber(n) : 0)),
    parseURL: (input, base) => ctx.newString(bridge.parseURL(str(input), optStr(base))),
    updateURL: (href, key, value) => ctx.newString(bridge.updateURL(str(href), str(key), str(value))),
    formEncode: (pairs) => ctx.newString(bridge.formEncode(str(pairs))),
    formDecode: (query) => ctx.newString(bridge.formDecode(str(query))),
    toolNames: () => ctx.newString(bridge.toolNames()),
    networkAllowed: () => ctx.newNumber(bridge.networkAllowed()),
    // A guest promise settled when the host answers; the engine's event loop waits for it.
    callHost: (kind, name, args) => {
      const deferred = ctx.newPromise();
      pending.add(deferred);
      const k = str(kind) === 'fetch' ? 'fetch' : 'tool';
      const settle = (make: () => QuickJSHandle, how: 'resolve' | 'reject') => {
        pending.delete(deferred);
        if (!ctx.alive || !deferred.alive) return;
        const value = make();
        deferred[how](value);
        value.dispose();
      };
      bridge.callHost(k, str(name), str(args)).then(
        (answer) => settle(() => ctx.newString(answer), 'resolve'),
        (error: unknown) => settle(() => ctx.newError(error instanceof Error ? error.message : String(error)), 'reject'),
      );
      return deferred.handle;
    },
  };
  for (const [name, fn] of Object.entries(fns)) {
    const handle = ctx.newFunction(name, fn);
    ctx.setProp(obj, name, handle);
    handle.dispose();
  }
  return obj;
}
