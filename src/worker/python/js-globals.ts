/**
 * What a Python guest's `js` module is (Pyodide's `jsglobals`): a curated object instead of the
 * worker's global scope. It holds what Python code in a sandbox plausibly needs from JavaScript
 * (built-ins, text and URL helpers, the host-backed `fetch`, timers that end with their run) and
 * nothing that reaches out or outlives a run: no `self`, no workers, no `importScripts`, no
 * `WebAssembly`, no buffer constructors (their memory would escape the memory limit).
 *
 * This narrows what is handed to the guest; it is not a wall. Pyodide's objects lead back to the
 * worker's realm in other ways, which is why the frame treats the worker as hostile.
 */
import type { GuestTimers } from './guest-timers.js';

/** Built-ins passed through as they are (constructors and namespaces need no `this`). */
const PASSED = [
  'Object', 'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Promise', 'JSON', 'Math', 'Date', 'RegExp',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'Symbol', 'Number', 'String', 'Boolean', 'BigInt', 'Reflect', 'Intl',
  'console', 'performance', 'crypto', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams',
  'AbortController', 'AbortSignal', 'Headers', 'Request', 'Response', 'DOMException',
] as const;

/** Functions of the global scope, bound to it (called as `js.atob(…)`, their `this` is this object). */
const BOUND = ['atob', 'btoa', 'structuredClone', 'queueMicrotask'] as const;

/** The refusal a guest without network access gets from `js.fetch` and `pyodide.http.pyfetch`. */
export const noNetwork: typeof fetch = () => Promise.reject(new TypeError('ai-sandbox: this sandbox has no network access (the app did not grant any)'));

/** Builds the `js` module's object. `fetch` is the host-backed one, or {@link noNetwork}. */
export function createJsGlobals(fetchImpl: typeof fetch, timers: GuestTimers): Record<string, unknown> {
  const scope = globalThis as unknown as Record<string, unknown>;
  const js: Record<string, unknown> = Object.create(null);
  for (const name of PASSED) if (scope[name] !== undefined) js[name] = scope[name];
  for (const name of BOUND) if (typeof scope[name] === 'function') js[name] = (scope[name] as (...args: unknown[]) => unknown).bind(globalThis);
  Object.assign(js, timers.globals, { fetch: fetchImpl });
  return js;
}
