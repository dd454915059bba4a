/**
 * Pyodide's interrupt-buffer check, as shipped and as the build rewrites it (atomic, and raising
 * SIGINT at the run's deadline). The shipped check is
 * taken from pyodide.asm.mjs and run with the frame's SIGINT landing between its read and its clear.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rewriteSignalCheck } from '../../../scripts/pyodide-signal-check.js';

const SIGINT = 2;
const shipped = readFileSync(createRequire(import.meta.url).resolve('pyodide/pyodide.asm.mjs'), 'utf8');

/** `_Py_CheckEmscriptenSignals_Helper` from a pyodide.asm.mjs source, bound to a stand-in Module. */
function signalCheck(source: string, buffer: unknown, module: Record<string, unknown> = {}): () => number {
  const helper = /function _Py_CheckEmscriptenSignals_Helper\(\)\{.*?\}(?=_Py_CheckEmscriptenSignals_Helper\.sig)/s.exec(source);
  if (!helper) throw new Error('the signal check was not found in pyodide.asm.mjs');
  return new Function('Module', `${helper[0]}; return _Py_CheckEmscriptenSignals_Helper;`)(Object.assign(module, { Py_EmscriptenSignalBuffer: buffer })) as () => number;
}

describe("Pyodide's signal check", () => {
  it('as shipped, loses a SIGINT stored between its read and its clear (why the build rewrites it)', () => {
    const slot = new Int32Array(new SharedArrayBuffer(4));
    let raced = false;
    const racing = Object.defineProperty({}, 0, {
      get: () => {
        const value = Atomics.load(slot, 0);
        if (!raced) {
          raced = true;
          Atomics.store(slot, 0, SIGINT); // the frame, between the check's read and its clear
        }
        return value;
      },
      set: (value: number) => Atomics.store(slot, 0, value),
    });
    const check = signalCheck(shipped, racing);
    expect(check()).toBe(0);
    expect(check()).toBe(0); // the SIGINT is gone
  });

  it('rewritten, reads and clears in one atomic step', () => {
    const rewritten = rewriteSignalCheck(shipped);
    const slot = new Int32Array(new SharedArrayBuffer(4));
    const check = signalCheck(rewritten, slot);
    expect(check.toString()).toContain('Atomics.exchange(Module.Py_EmscriptenSignalBuffer,0,0)');
    expect(check()).toBe(0);
    Atomics.store(slot, 0, SIGINT);
    expect(check()).toBe(SIGINT);
    expect(Atomics.load(slot, 0)).toBe(0);
    expect(check()).toBe(0);
  });

  it('rewritten, raises SIGINT once by itself when the run passed its deadline, reading the clock on every 16th check', () => {
    const rewritten = rewriteSignalCheck(shipped);
    // The worker's own buffer (no shared memory): nothing else can write it.
    const module = { aiSandboxDeadline: 0, aiSandboxTicks: 0 };
    const check = signalCheck(rewritten, new Int32Array(1), module);
    const checks = (n: number) => Array.from({ length: n }, () => check());
    expect(checks(64)).not.toContain(SIGINT); // no deadline
    module.aiSandboxDeadline = performance.now() + 60_000;
    expect(checks(64)).not.toContain(SIGINT); // not yet
    module.aiSandboxDeadline = performance.now() - 1;
    const after = checks(16);
    expect(after.filter((s) => s === SIGINT)).toHaveLength(1);
    expect(module.aiSandboxDeadline).toBe(0); // once: a guest that swallows it is the host's to stop
    expect(checks(64)).not.toContain(SIGINT);
  });

  it('the build fails when a Pyodide upgrade changes the check, rather than ship the race unnoticed', () => {
    expect(() => rewriteSignalCheck('function _Py_CheckEmscriptenSignals_Helper(){return 0}')).toThrow(/not found exactly once/);
  });
});
