/**
 * `ai-sandbox/javascript`: the API of `ai-sandbox` with the JavaScript engine only, so an app's bundler
 * copies QuickJS's files only (about 0.6 MB). A 'python' sandbox needs `assetsUrl` here (else `NotSupportedError`).
 */
import type { Sandbox, SandboxOptions, SandboxPool, SandboxPoolOptions } from './shared/types.js';
import { openSandbox } from './host/sandbox.js';
import { openSandboxPool } from './host/sandbox-pool.js';
import { javascriptEngine } from './host/javascript-engine.js';

export * from './api.js';

/** As `createSandbox` of `ai-sandbox`, with the JavaScript engine bundled. */
export function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  return openSandbox(options, { javascript: javascriptEngine });
}

/** As `createSandboxPool` of `ai-sandbox`, with the JavaScript engine bundled. */
export function createSandboxPool(options: SandboxPoolOptions): SandboxPool {
  return openSandboxPool(options, createSandbox);
}
