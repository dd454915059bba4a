/**
 * QuickJS's files as the library ships them, beside its entry modules. The URLs are literal
 * `new URL('./…', import.meta.url)` expressions, the pattern bundlers look for, and live in a module
 * of their own (as Pyodide's do in python-engine.ts): an app's bundler copies the files of exactly
 * the engines its entry point imports, so a JavaScript-only app ships no Python engine.
 */
import type { Manifest } from './assets.js';

/** The frame, the worker and its wasm. */
export function javascriptEngine(): Manifest {
  return {
    frame: new URL('./frame.htm', import.meta.url),
    worker: new URL('./worker.js', import.meta.url),
    files: { 'quickjs.wasm': new URL('./quickjs.wasm', import.meta.url) },
  };
}
