/**
 * ai-sandbox: run model-written code in the user's browser, isolated in a sandboxed iframe and a
 * worker, with hard limits. This entry bundles both engines; `ai-sandbox/javascript` and
 * `ai-sandbox/python` export the same API with one engine each, for smaller app builds.
 */
import type { Sandbox, SandboxOptions, SandboxPool, SandboxPoolOptions } from './shared/types.js';
import { openSandbox } from './host/sandbox.js';
import { openSandboxPool } from './host/sandbox-pool.js';
import { javascriptEngine } from './host/javascript-engine.js';
import { pythonEngine } from './host/python-engine.js';

export * from './api.js';
export { pyodideDistributionUrl } from './shared/pyodide-version.js';
export { pypiUrl } from './shared/pypi-url.js';

/**
 * Starts a sandbox: a hidden sandboxed iframe with a worker running the engine. Resolves once it
 * can run code. The caller owns the sandbox and must `dispose()` it (or `await using` it).
 *
 * Rejects with `TypeError`/`RangeError` for bad options, and `SandboxStartError` when the assets
 * cannot be loaded or the frame does not start (the message says which URL and why).
 *
 * @example
 * const sandbox = await createSandbox({ language: 'javascript', timeoutMs: 5000 });
 * const result = await sandbox.run('const xs = [1, 2, 3]; xs.map(x => x * 2)');
 * // result.status === 'ok', result.value deep-equals [2, 4, 6], result.text === '[ 2, 4, 6 ]'
 * await sandbox.dispose();
 */
export function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  return openSandbox(options, { javascript: javascriptEngine, python: pythonEngine });
}

/**
 * Creates a pool of sandboxes of one language and starts `size` of them in the background.
 * Throws `TypeError`/`RangeError` for bad options (the sandbox options are checked as by
 * {@link createSandbox}). The caller owns the pool and must `dispose()` it.
 *
 * @example
 * const pool = createSandboxPool({ language: 'python', size: 1 });
 * // …later, when the model wants to run code, no engine has to load:
 * const result = await pool.run('sum(range(10))');
 */
export function createSandboxPool(options: SandboxPoolOptions): SandboxPool {
  return openSandboxPool(options, createSandbox);
}
