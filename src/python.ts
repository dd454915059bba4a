/**
 * `ai-sandbox/python`: the API of `ai-sandbox` with the Python engine only, so an app's bundler
 * copies Pyodide's files only. A 'javascript' sandbox needs `assetsUrl` here (else `NotSupportedError`).
 */
import type { Sandbox, SandboxOptions, SandboxPool, SandboxPoolOptions } from './shared/types.js';
import { openSandbox } from './host/sandbox.js';
import { openSandboxPool } from './host/sandbox-pool.js';
import { pythonEngine } from './host/python-engine.js';

export * from './api.js';
export { pyodideDistributionUrl } from './shared/pyodide-version.js';
export { pypiUrl } from './shared/pypi-url.js';

/** As `createSandbox` of `ai-sandbox`, with the Python engine bundled. */
export function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  return openSandbox(options, { python: pythonEngine });
}

/** As `createSandboxPool` of `ai-sandbox`, with the Python engine bundled. */
export function createSandboxPool(options: SandboxPoolOptions): SandboxPool {
  return openSandboxPool(options, createSandbox);
}
