/**
 * Pyodide's signal check, made atomic at build time, and able to stop busy code at its deadline
 * without shared memory.
 *
 * CPython's Emscripten build polls the interrupt buffer from JavaScript every few dozen bytecodes,
 * reading it and then clearing it in two steps (`let result = buffer[0]; buffer[0] = 0;`). A
 * SIGINT the frame stores between those two steps is overwritten and never raised: the busy loop
 * goes on and the host has to replace the engine, losing its state. The check runs so often that on
 * a loaded 2-core machine about 1 interrupt in 100 was lost (3 of 300 busy loops, seen once in CI).
 * `Atomics.exchange` reads and clears in one step, at the same cost (fib(27): within 2% of no
 * check at all, where an accessor object doing the same in JavaScript cost 6–8%).
 *
 * The rewritten check also raises SIGINT itself once the run's deadline has passed
 * (`Module.aiSandboxDeadline`, the worker's `performance.now()` time; 0 for none; the clock is read
 * on every 16th check). Without shared memory nothing can write the buffer while Python is busy,
 * so a busy loop past its deadline used to end only by removing the frame (state lost), and
 * WebKitGTK does not stop a worker spinning in WebAssembly when it is terminated or its frame
 * removed: each such loop went on using a core until the page closed. This is the worker's own
 * cooperation, which a guest can switch off (it owns the worker's JavaScript); the host's hard
 * deadline still holds either way.
 */
import type { Plugin } from 'vite';

/** The check as Pyodide 314 ships it in pyodide.asm.mjs. */
const RACY_READ_AND_CLEAR = 'let result=Module.Py_EmscriptenSignalBuffer[0];Module.Py_EmscriptenSignalBuffer[0]=0;return result';
const REWRITTEN_CHECK =
  'let signal=Atomics.exchange(Module.Py_EmscriptenSignalBuffer,0,0);' +
  'if(signal===0&&Module.aiSandboxDeadline>0&&(Module.aiSandboxTicks=(Module.aiSandboxTicks+1)&15)===0&&performance.now()>Module.aiSandboxDeadline){Module.aiSandboxDeadline=0;signal=2}' +
  'return signal';

/**
 * Rewrites pyodide.asm.mjs so its signal check reads and clears atomically and raises SIGINT at the
 * run's deadline. Throws when the check is not found verbatim, so that a Pyodide upgrade cannot
 * silently bring the race back.
 */
export function rewriteSignalCheck(code: string): string {
  const at = code.indexOf(RACY_READ_AND_CLEAR);
  if (at < 0 || code.indexOf(RACY_READ_AND_CLEAR, at + 1) >= 0) {
    throw new Error("pyodide.asm.mjs: the interrupt buffer check was not found exactly once; re-check scripts/pyodide-signal-check.ts against this Pyodide version");
  }
  return code.replace(RACY_READ_AND_CLEAR, REWRITTEN_CHECK);
}

/** The Vite plugin that applies {@link rewriteSignalCheck} to Pyodide's module. */
export function signalCheck(): Plugin {
  return {
    name: 'ai-sandbox:signal-check',
    enforce: 'pre',
    transform: (code, id) => (/[\\/]pyodide[\\/]pyodide\.asm\.mjs$/.test(id) ? rewriteSignalCheck(code) : undefined),
  };
}
