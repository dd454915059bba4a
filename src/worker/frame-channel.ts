/**
 * The worker's channel to its frame, taken before any guest code runs: `postMessage` and the
 * message listener are captured here, then removed from the worker's global scope with the other
 * capabilities a guest must not have (nested workers, `close`, network constructors). A Python guest
 * owns this scope afterwards, so nothing here is a guarantee: the frame checks everything the worker
 * sends. What it does buy is that a guest cannot simply pick up the channel, or a way out, by name.
 */

/** Names removed from the worker's global scope (and its prototype chain) before guest code runs. */
export const REMOVED_GLOBALS = [
  // The channel itself: only the captured copy below may post to the frame.
  'postMessage',
  'onmessage',
  'onmessageerror',
  // Work that could outlive its run, or end the worker behind the frame's back.
  'Worker',
  'SharedWorker',
  'close',
  // Ways out that the frame's CSP already blocks; gone, they cannot even be tried.
  'importScripts',
  'XMLHttpRequest',
  'WebSocket',
  'WebSocketStream',
  'EventSource',
  'WebTransport',
  'BroadcastChannel',
  'indexedDB',
  'caches',
] as const;

/** The captured channel. */
export interface FrameChannel {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Calls `handler` with each message's data, read through the captured getter. */
  listen(handler: (data: unknown) => void): void;
}

/** Captures the channel and removes it, and {@link REMOVED_GLOBALS}, from the global scope. */
export function takeFrameChannel(): FrameChannel {
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer: Transferable[]): void;
    addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  };
  const apply = Reflect.apply;
  const post = scope.postMessage;
  const dataOf = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!.get!;
  const handlers: Array<(data: unknown) => void> = [];
  scope.addEventListener('message', (event) => {
    const data: unknown = apply(dataOf, event, []);
    for (const handler of handlers) handler(data);
  });
  removeGlobals(REMOVED_GLOBALS);
  return {
    post: (message, transfer = []) => apply(post, globalThis, [message, transfer]),
    listen: (handler) => void handlers.push(handler),
  };
}

/** Deletes `names` from the global object and every prototype it inherits from. */
export function removeGlobals(names: readonly string[]): void {
  for (let target: object | null = globalThis; target && target !== Object.prototype; target = Object.getPrototypeOf(target)) {
    for (const name of names) {
      const descriptor = Object.getOwnPropertyDescriptor(target, name);
      if (!descriptor) continue;
      if (descriptor.configurable) delete (target as Record<string, unknown>)[name];
      else if (descriptor.writable) (target as Record<string, unknown>)[name] = undefined;
    }
  }
}
