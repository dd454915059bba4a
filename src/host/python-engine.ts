/**
 * Pyodide's files as the library ships them, beside its entry modules, as literal
 * `new URL('./…', import.meta.url)` expressions in a module of their own (see javascript-engine.ts).
 */
import type { Manifest } from './assets.js';

/** The frame, the worker, the interpreter, its standard library and its package lock file. */
export function pythonEngine(): Manifest {
  return {
    frame: new URL('./frame.htm', import.meta.url),
    worker: new URL('./python-worker.js', import.meta.url),
    files: {
      'pyodide.asm.wasm': new URL('./pyodide/pyodide.asm.wasm', import.meta.url),
      'python_stdlib.zip': new URL('./pyodide/python_stdlib.zip', import.meta.url),
      'pyodide-lock.json': new URL('./pyodide/pyodide-lock.json', import.meta.url),
    },
  };
}
