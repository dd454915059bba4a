/**
 * Named errors for misuse and infrastructure failures. Guest failures are never thrown: they are
 * `RunResult`s. Option mistakes throw the built-in `TypeError`/`RangeError` naming the option.
 */

/** What went wrong, as a stable string a caller can switch on. */
export type SandboxErrorCode = 'DISPOSED' | 'START_FAILED' | 'NOT_SUPPORTED' | 'FILE_ERROR' | 'PACKAGE_ERROR';

/** Base class of every error this library throws on purpose (besides `TypeError`/`RangeError`). */
export class SandboxError extends Error {
  /** A stable machine-readable code. */
  readonly code: SandboxErrorCode;
  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'SandboxError';
  }
}

/** The sandbox was disposed; it cannot be used any more. Create a new one. */
export class DisposedError extends SandboxError {
  constructor(what = 'this sandbox') {
    super('DISPOSED', `${what} was disposed; create a new sandbox`);
    this.name = 'DisposedError';
  }
}

/**
 * The sandbox's frame, worker or engine could not be started: assets missing or blocked, the
 * page's CSP refusing the frame, or the engine failing to load. `cause` holds the detail.
 */
export class SandboxStartError extends SandboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('START_FAILED', message, options);
    this.name = 'SandboxStartError';
  }
}

/** The requested feature does not exist for this sandbox's language. */
export class NotSupportedError extends SandboxError {
  constructor(message: string) {
    super('NOT_SUPPORTED', message);
    this.name = 'NotSupportedError';
  }
}

/** A file operation in the guest's file system failed; `errno` names the reason (e.g. `ENOENT`). */
export class SandboxFileError extends SandboxError {
  /** The POSIX error name, e.g. `ENOENT` (no such file) or `EISDIR` (is a folder). */
  readonly errno: string;
  constructor(errno: string, message: string) {
    super('FILE_ERROR', message);
    this.errno = errno;
    this.name = 'SandboxFileError';
  }
}

/** Python packages could not be installed: unknown name, no package index, a failed download. */
export class PackageError extends SandboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACKAGE_ERROR', message, options);
    this.name = 'PackageError';
  }
}
