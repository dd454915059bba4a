/**
 * The guest runtime's entry point, built into its own bundle and evaluated inside the engine
 * before any user code. It defines the Web and Node globals model-written code expects and
 * returns the control object the worker drives runs with. The control object is never placed on
 * the guest's global object.
 */
import { createConsole } from './console.js';
import { createFetch } from './fetch.js';
import { describeError } from './describe-error.js';
import type { GuestControl, HostBridge } from './host-bridge.js';
import { createTimers } from './timers.js';
import { describe } from './to-plain.js';
import { createUrlClasses } from './url.js';
import { atob, btoa, createCrypto, DOMException, structuredClone, TextDecoder, TextEncoder } from './web-apis.js';

/**
 * `tools.<name>(args)`: the host's tools, as async functions. Arguments and answers cross as JSON,
 * so only plain data goes either way.
 */
function createTools(host: HostBridge): Readonly<Record<string, (args?: unknown) => Promise<unknown>>> {
  const tools: Record<string, (args?: unknown) => Promise<unknown>> = Object.create(null);
  for (const name of JSON.parse(host.toolNames()) as string[]) {
    tools[name] = async (args?: unknown) => {
      const answer = await host.callHost('tool', name, JSON.stringify(args === undefined ? null : args));
      return JSON.parse(answer) as unknown;
    };
  }
  return Object.freeze(tools);
}

/** Defines the globals on `globalThis` and returns the worker's control object. */
export function install(host: HostBridge): GuestControl {
  const now = () => host.now();
  const timers = createTimers(now);
  const { URL, URLSearchParams } = createUrlClasses(host);
  // Bytes still allowed per stream; text past them is cut here so a huge string never crosses.
  const left = [Infinity, Infinity];
  const write = (stream: number, text: string) => {
    const budget = left[stream]!;
    left[stream] = host.write(stream, text.length > budget ? text.slice(0, budget + 1) : text);
  };
  const globals: Record<string, unknown> = {
    console: createConsole(write, now),
    ...timers.globals,
    queueMicrotask: (fn: unknown) => {
      if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
      void Promise.resolve().then(() => fn());
    },
    TextEncoder,
    TextDecoder,
    URL,
    URLSearchParams,
    atob,
    btoa,
    DOMException,
    structuredClone,
    crypto: createCrypto((n) => host.randomBytes(n)),
    performance: { now, timeOrigin: Date.now() - now() },
    tools: createTools(host),
    // Only with a network grant: then fetch reaches the allowed origins through the host.
    ...(host.networkAllowed() ? createFetch(host) : {}),
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  return {
    beginRun: (maxOutputBytes) => {
      left[0] = left[1] = maxOutputBytes;
    },
    describe,
    describeError,
    nextTimerDelay: timers.nextTimerDelay,
    runNextTimer: timers.runNextTimer,
    clearTimers: timers.clearTimers,
  };
}
