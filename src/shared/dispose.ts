/**
 * The keys `using` and `await using` look for. Where the browser does not define them (WebKitGTK
 * 2.50, Safari: no `Symbol.dispose`, `Symbol.asyncDispose` or `DisposableStack`, checked
 * 2026-12-08), `[Symbol.asyncDispose]` on a class would be a method named "undefined"; these fall
 * back to the registered symbols that polyfills (and quickjs-emscripten) use instead, so an app
 * that polyfills and downlevels `await using` still finds the method.
 *
 * Inside the library cleanup stays explicit (`try`/`finally`, `dispose()`): TypeScript's
 * downlevelled `using` throws where `Symbol.dispose` is missing, and the library runs in WebKit.
 */

/** `Symbol.dispose`, or `Symbol.for('Symbol.dispose')` where the browser lacks it. */
export const DISPOSE: typeof Symbol.dispose = (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/** `Symbol.asyncDispose`, or `Symbol.for('Symbol.asyncDispose')` where the browser lacks it. */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);
