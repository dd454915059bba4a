/**
 * Pool leases, in Node with stand-in sandboxes (the pool is host logic; pool.spec.ts drives real
 * ones in the browser): no two acquirers hold the same object, and a released handle is dead.
 */
import { describe, expect, it } from 'vitest';
import { DisposedError } from '../../../src/shared/errors.js';
import { openSandboxPool } from '../../../src/host/sandbox-pool.js';
import type { RunResult, Sandbox, SandboxOptions } from '../../../src/shared/types.js';

/** A sandbox that remembers a variable per "session" (reset clears it). */
function standIn(options: SandboxOptions): Sandbox {
  let memory: string | undefined;
  let disposed = false;
  const result = (value: unknown): RunResult => ({ status: 'ok', decidedBy: 'engine', value, stdout: '', stderr: '', outputs: [], stateLost: false, durationMs: 0 });
  const live = <T>(fn: () => T) => (disposed ? Promise.reject(new DisposedError()) : Promise.resolve(fn()));
  const sandbox: Sandbox = {
    language: options.language,
    run: (code) =>
      live(() => {
        if (code.startsWith('set ')) memory = code.slice(4);
        options.onEvent?.({ type: 'run-finished', time: 0, runSeq: 1, status: 'ok', durationMs: 0, stdoutBytes: 0, stderrBytes: 0, stateLost: false });
        return result(memory);
      }),
    reset: () => live(() => void (memory = undefined)),
    installPackages: () => live(() => undefined),
    fs: {
      writeFile: () => live(() => undefined),
      readFile: () => live(() => new TextEncoder().encode(memory ?? '')),
      readdir: () => live(() => []),
      remove: () => live(() => undefined),
    },
    dispose: async () => void (disposed = true),
    [Symbol.asyncDispose]: async () => void (disposed = true),
  };
  return sandbox;
}

describe('SandboxPool leases', () => {
  it("hands each acquirer its own handle, and a released one reaches nothing, not even the next user's sandbox", async () => {
    const pool = openSandboxPool({ language: 'javascript', size: 1, maxSize: 1 }, async (options) => standIn(options));
    await pool.warm();
    const first = await pool.acquire();
    await first.run('set first user');
    await pool.release(first);
    const second = await pool.acquire();
    expect(second).not.toBe(first);
    await second.run('set second user');
    // The first user's old reference: every call is refused, none reaches the sandbox.
    await expect(first.run('x')).rejects.toBeInstanceOf(DisposedError);
    await expect(first.fs.readFile('f')).rejects.toBeInstanceOf(DisposedError);
    await expect(first.reset()).rejects.toBeInstanceOf(DisposedError);
    await expect(first.installPackages(['x'])).rejects.toBeInstanceOf(DisposedError);
    await first.dispose(); // does nothing: the sandbox is the pool's again
    expect(new TextDecoder().decode(await second.fs.readFile('f'))).toBe('second user');
    await expect(pool.release(first)).rejects.toThrow(/not acquired from this pool/);
    await pool.release(second);
    await pool.dispose();
  });
});
