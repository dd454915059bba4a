/**
 * ai-sandbox: run model-written code in the user's browser, isolated in a sandboxed iframe and a
 * worker, with hard limits. This file is the whole public API.
 */
export { createSandbox } from './host/sandbox.js';
export { createSandboxPool } from './host/sandbox-pool.js';
export { DisposedError, NotSupportedError, PackageError, SandboxError, SandboxFileError, SandboxStartError, type SandboxErrorCode } from './shared/errors.js';
export type { LimitName, RestartReason, SandboxEvent, SandboxEventType } from './shared/events.js';
export type { Language, ProgressEvent, RunError, RunOptions, RunResult, RunStatus, Sandbox, SandboxFileSystem, SandboxOptions, SandboxPool, SandboxPoolOptions, SandboxPoolStats } from './shared/types.js';
