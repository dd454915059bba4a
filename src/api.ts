/**
 * What every entry point exports besides its `createSandbox` and `createSandboxPool`: the errors and
 * the public types.
 */
export { DisposedError, NotSupportedError, PackageError, SandboxError, SandboxFileError, SandboxStartError, type SandboxErrorCode } from './shared/errors.js';
export { RUN_ERROR, type RunErrorName } from './shared/run-errors.js';
export type { InstallReason, LimitName, RestartReason, SandboxEvent, SandboxEventBase, SandboxEventType } from './shared/events.js';
export type {
  Language,
  PackageLimits,
  ProgressEvent,
  RunError,
  RunOptions,
  RunOutput,
  RunResult,
  RunStatus,
  Sandbox,
  SandboxFileSystem,
  SandboxOptions,
  SandboxPool,
  SandboxPoolOptions,
  SandboxPoolStats,
  Tool,
} from './shared/types.js';
