/** Option validation: types, ranges, defaults and unknown keys. */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolvePoolOptions, resolveRunOptions, resolveSandboxOptions } from '../../../src/host/options.js';

describe('resolveSandboxOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveSandboxOptions({ language: 'javascript' })).toEqual({
      language: 'javascript',
      timeoutMs: DEFAULTS.timeoutMs,
      memoryLimitMB: 256,
      assetsUrl: undefined,
      maxOutputBytes: 1024 * 1024,
      maxValueBytes: 1024 * 1024,
      maxToolCalls: 1000,
      maxToolArgumentBytes: 1024 * 1024,
      maxFileBytes: 64 * 1024 * 1024,
      packages: [],
      packageIndexUrl: undefined,
      pypiIndexUrl: undefined,
      onProgress: undefined,
      onEvent: undefined,
      tools: new Map(),
      network: undefined,
      snapshot: false,
      autoInstall: false,
      micropip: false,
      packageTimeoutMs: 120_000,
      allowPackages: undefined,
      packageLimits: { maxInstallsPerRun: 10, maxProjectsPerRun: 100, maxInstallBytes: 512 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 },
    });
    expect(DEFAULTS).toMatchObject({ timeoutMs: 30000, memoryLimitMB: { javascript: 256, python: 512 } });
    expect(resolveSandboxOptions({ language: 'python' }).memoryLimitMB).toBe(512);
  });

  it.each([
    [undefined, TypeError, /options must be an object/],
    [null, TypeError, /options must be an object/],
    [{}, TypeError, /language must be a string/],
    [{ language: 'ruby' }, RangeError, /language must be "javascript" or "python", got "ruby"/],
    [{ language: 'javascript', timeoutMs: '10' }, TypeError, /timeoutMs must be a number, got string/],
    [{ language: 'javascript', timeoutMs: 0 }, RangeError, /timeoutMs/],
    [{ language: 'javascript', timeoutMs: Infinity }, RangeError, /timeoutMs/],
    [{ language: 'javascript', timeoutMs: NaN }, RangeError, /timeoutMs/],
    [{ language: 'javascript', memoryLimitMB: 4 }, RangeError, /memoryLimitMB must be a number from 8 to 2000/],
    [{ language: 'javascript', maxOutputBytes: 1.5 }, RangeError, /maxOutputBytes must be an integer/],
    [{ language: 'javascript', assetsUrl: 5 }, TypeError, /assetsUrl must be a string or URL/],
    [{ language: 'javascript', assetsUrl: 'not a url' }, TypeError, /assetsUrl is not a valid URL/],
    [{ language: 'javascript', timeout: 10 }, TypeError, /unknown option "timeout"/],
    [{ language: 'python', packages: 'numpy' }, TypeError, /packages must be an array/],
    [{ language: 'python', packages: [''] }, TypeError, /packages must be an array/],
    [{ language: 'python', packageIndexUrl: 3 }, TypeError, /packageIndexUrl must be a string or URL/],
    [{ language: 'python', autoInstall: 'yes', packageIndexUrl: 'https://index.example/' }, TypeError, /autoInstall must be a boolean/],
    [{ language: 'python', autoInstall: true }, TypeError, /autoInstall needs a packageIndexUrl/],
    [{ language: 'javascript', autoInstall: true, packageIndexUrl: 'https://index.example/' }, TypeError, /autoInstall is for Python sandboxes/],
    [{ language: 'python', micropip: 1, pypiIndexUrl: 'https://index.example/' }, TypeError, /micropip must be a boolean/],
    [{ language: 'python', micropip: true }, TypeError, /micropip needs a packageIndexUrl or a pypiIndexUrl/],
    [{ language: 'javascript', micropip: true, pypiIndexUrl: 'https://index.example/' }, TypeError, /micropip is for Python sandboxes/],
    [{ language: 'python', pypiIndexUrl: 42 }, TypeError, /pypiIndexUrl must be a string or URL/],
  ])('%j throws', (options, type, message) => {
    expect(() => resolveSandboxOptions(options)).toThrow(type);
    expect(() => resolveSandboxOptions(options)).toThrow(message);
  });

  it('normalizes assetsUrl to a folder URL', () => {
    expect(resolveSandboxOptions({ language: 'javascript', assetsUrl: 'https://cdn.example/lib?v=1' }).assetsUrl?.href).toBe('https://cdn.example/lib/');
    expect(resolveSandboxOptions({ language: 'javascript', assetsUrl: new URL('https://a.example/x/') }).assetsUrl?.href).toBe('https://a.example/x/');
  });
});

describe('resolveRunOptions', () => {
  const sandbox = resolveSandboxOptions({ language: 'javascript', timeoutMs: 1234, maxOutputBytes: 99 });

  it('inherits the sandbox defaults', () => {
    expect(resolveRunOptions(undefined, sandbox)).toMatchObject({ timeoutMs: 1234, maxOutputBytes: 99 });
    expect(resolveRunOptions({ timeoutMs: 5 }, sandbox)).toMatchObject({ timeoutMs: 5, maxOutputBytes: 99 });
  });

  it.each([
    [42, TypeError, /options must be an object/],
    [{ onStdout: 'x' }, TypeError, /onStdout must be a function/],
    [{ onStderr: 1 }, TypeError, /onStderr must be a function/],
    [{ signal: {} }, TypeError, /signal must be an AbortSignal/],
    [{ timeoutMs: -5 }, RangeError, /timeoutMs/],
    [{ retries: 2 }, TypeError, /unknown option "retries"/],
    [{ stdin: 5 }, TypeError, /stdin must be a string/],
  ])('%j throws', (options, type, message) => {
    expect(() => resolveRunOptions(options, sandbox)).toThrow(type);
    expect(() => resolveRunOptions(options, sandbox)).toThrow(message);
  });

  it('accepts an AbortSignal', () => {
    const signal = new AbortController().signal;
    expect(resolveRunOptions({ signal }, sandbox).signal).toBe(signal);
  });
});

describe('snapshot option', () => {
  it('takes true, false or persistent, for Python only', () => {
    expect(resolveSandboxOptions({ language: 'python', snapshot: true }).snapshot).toBe(true);
    expect(resolveSandboxOptions({ language: 'python', snapshot: 'persistent' }).snapshot).toBe('persistent');
    expect(resolveSandboxOptions({ language: 'javascript', snapshot: false }).snapshot).toBe(false);
    expect(() => resolveSandboxOptions({ language: 'javascript', snapshot: true })).toThrow(/snapshot is for Python/);
    expect(() => resolveSandboxOptions({ language: 'python', snapshot: 'disk' })).toThrow(/snapshot must be true, false or 'persistent'/);
  });
});

describe('resolvePoolOptions', () => {
  it('fills in the pool defaults and passes the rest to the sandboxes', () => {
    const onEvent = () => {};
    const pool = resolvePoolOptions({ language: 'python', timeoutMs: 5000, onEvent });
    expect(pool).toEqual({ size: 1, maxSize: 5, maxRunsPerSandbox: 100, idleTimeoutMs: Infinity, resetOnRelease: true, sandbox: { language: 'python', timeoutMs: 5000, onEvent, snapshot: true }, onEvent });
    expect(resolvePoolOptions({ language: 'python', snapshot: false }).sandbox.snapshot).toBe(false);
    expect(resolvePoolOptions({ language: 'javascript', size: 0 }).maxSize).toBe(4);
    expect(resolvePoolOptions({ language: 'javascript', size: 3, maxSize: 3, maxRunsPerSandbox: 1, idleTimeoutMs: 0, resetOnRelease: false })).toMatchObject({ size: 3, maxSize: 3, maxRunsPerSandbox: 1, idleTimeoutMs: 0, resetOnRelease: false });
  });

  it.each([
    [{ language: 'javascript', size: 1.5 }, RangeError, /size must be an integer of at least 0/],
    [{ language: 'javascript', size: Infinity }, RangeError, /size must be finite/],
    [{ language: 'javascript', size: '2' }, TypeError, /size must be a number/],
    [{ language: 'javascript', size: 2, maxSize: 1 }, RangeError, /maxSize must be an integer of at least 2/],
    [{ language: 'javascript', maxRunsPerSandbox: 0 }, RangeError, /maxRunsPerSandbox/],
    [{ language: 'javascript', idleTimeoutMs: -1 }, RangeError, /idleTimeoutMs/],
    [{ language: 'javascript', resetOnRelease: 1 }, TypeError, /resetOnRelease must be a boolean/],
    [{ language: 'javascript', sizes: 2 }, TypeError, /unknown option "sizes"/],
    [null, TypeError, /options must be an object/],
  ])('refuses %o', (options, type, message) => {
    expect(() => resolvePoolOptions(options)).toThrow(type);
    expect(() => resolvePoolOptions(options)).toThrow(message);
  });
});
