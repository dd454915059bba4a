/**
 * Validation of user options: every field is checked for type and range, and a mistake throws a
 * `TypeError` or `RangeError` that names the option. Unknown options are refused, so a typo such as
 * `timeout:` does not silently fall back to a default.
 */
import type { SandboxEvent } from '../shared/events.js';
import { createNetworkPolicy, NETWORK_DEFAULTS, type NetworkLimits, type NetworkPolicy } from './network-policy.js';
import type { Language, PackageLimits, ProgressEvent, RunOptions, SandboxOptions, SandboxPoolOptions, Tool } from '../shared/types.js';
import type { PackageAllowance } from './egress-gate.js';
import { checkKeys, numberOption } from './option-checks.js';
import { allowPackages, autoInstall, micropip, packageLimits, packageList, PACKAGE_LIMITS_DEFAULTS } from './packages/package-options.js';

/** Defaults the README documents. */
export const DEFAULTS = {
  timeoutMs: 30_000,
  /** QuickJS's heap limit for JavaScript; the whole interpreter's wasm memory for Python. */
  memoryLimitMB: { javascript: 256, python: 512 },
  maxOutputBytes: 1024 * 1024,
  maxValueBytes: 1024 * 1024,
  maxToolCalls: 1000,
  maxToolArgumentBytes: 1024 * 1024,
  maxFileBytes: 64 * 1024 * 1024,
  /** Python: fetching one install's wheels (numpy and pandas are megabytes on a slow link). */
  packageTimeoutMs: 120_000,
  packageLimits: PACKAGE_LIMITS_DEFAULTS,
} as const;

/** Bounds: a timer cannot wait longer than 2^31-1 ms; wasm32 memory ends at 4 GiB, QuickJS's cap at 2 GiB. */
const LIMITS = {
  timeoutMs: [1, 2 ** 31 - 1],
  memoryLimitMB: [8, 2000],
  maxOutputBytes: [0, 256 * 1024 * 1024],
  maxValueBytes: [0, 256 * 1024 * 1024],
  maxToolCalls: [0, 1_000_000],
  maxToolArgumentBytes: [0, 256 * 1024 * 1024],
  maxFileBytes: [0, 2 ** 31],
  packageTimeoutMs: [1, 2 ** 31 - 1],
} as const;

const LANGUAGES: readonly Language[] = ['javascript', 'python'];
const SANDBOX_KEYS = new Set([
  'language', 'timeoutMs', 'memoryLimitMB', 'assetsUrl', 'maxOutputBytes', 'maxValueBytes', 'maxToolCalls', 'maxToolArgumentBytes', 'maxFileBytes',
  'packages', 'packageIndexUrl', 'pypiIndexUrl', 'packageTimeoutMs', 'autoInstall', 'micropip', 'allowPackages', 'packageLimits', 'onProgress', 'onEvent', 'tools', 'network', 'snapshot',
]);
const RUN_KEYS = new Set(['timeoutMs', 'signal', 'onStdout', 'onStderr', 'maxOutputBytes', 'stdin']);
const NETWORK_KEYS = new Set(['allow', 'timeoutMs', 'maxResponseBytes', 'maxRequestBytes', 'maxRequests']);

/** Sandbox options with every default filled in. */
export interface ResolvedSandboxOptions {
  language: Language;
  timeoutMs: number;
  memoryLimitMB: number;
  /** Absolute base URL of the assets, ending in '/'; undefined means "beside the module". */
  assetsUrl: URL | undefined;
  maxOutputBytes: number;
  maxValueBytes: number;
  maxToolCalls: number;
  maxToolArgumentBytes: number;
  maxFileBytes: number;
  packages: string[];
  /** Absolute folder URL ending in '/', or undefined when no index was given. */
  packageIndexUrl: URL | undefined;
  /** The PyPI-compatible index's JSON API base, ending in '/', or undefined when none was given. */
  pypiIndexUrl: URL | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  onEvent: ((event: SandboxEvent) => void) | undefined;
  /** Tools by name (names are identifiers). */
  tools: ReadonlyMap<string, Tool>;
  /** Undefined for `'none'`. */
  network: NetworkPolicy | undefined;
  /** Python memory snapshots: false, true (this page) or 'persistent'. */
  snapshot: boolean | 'persistent';
  /** Python: install the index's packages a run imports before it runs. */
  autoInstall: boolean;
  /** Python: guest code may install packages with `micropip.install`. */
  micropip: boolean;
  /** Python: how long fetching one install's wheels may take, in milliseconds. */
  packageTimeoutMs: number;
  /** Python: the projects guest code may have installed; undefined for the default rule (see the egress gate). */
  allowPackages: PackageAllowance | undefined;
  packageLimits: Required<PackageLimits>;
}

/** Run options with every default filled in. */
export interface ResolvedRunOptions {
  timeoutMs: number;
  stdin: string | undefined;
  maxOutputBytes: number;
  signal: AbortSignal | undefined;
  onStdout: ((text: string) => void) | undefined;
  onStderr: ((text: string) => void) | undefined;
}

function number(where: string, name: keyof typeof LIMITS, value: unknown, fallback: number, integer: boolean): number {
  const [min, max] = LIMITS[name];
  return numberOption(where, name, value, fallback, { min, max, integer });
}

function callback(where: string, name: string, value: unknown): ((text: string) => void) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${typeof value}`);
  return value as (text: string) => void;
}

function resolveFolderUrl(name: string, value: unknown): URL | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new TypeError(`createSandbox: ${name} must be a string or URL, got ${typeof value}`);
  }
  let url: URL;
  try {
    url = new URL(String(value), globalThis.document?.baseURI);
  } catch {
    throw new TypeError(`createSandbox: ${name} is not a valid URL: ${JSON.stringify(String(value))}`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** Validates `createSandbox`'s options and fills in defaults. */
export function resolveSandboxOptions(options: unknown): ResolvedSandboxOptions {
  const where = 'createSandbox';
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object such as { language: 'javascript' }`);
  }
  checkKeys(where, options, SANDBOX_KEYS);
  const o = options as Partial<Record<keyof SandboxOptions, unknown>>;
  if (typeof o.language !== 'string') {
    throw new TypeError(`${where}: language must be a string ("javascript" or "python"), got ${typeof o.language}`);
  }
  if (!LANGUAGES.includes(o.language as Language)) {
    throw new RangeError(`${where}: language must be "javascript" or "python", got ${JSON.stringify(o.language)}`);
  }
  return {
    language: o.language as Language,
    timeoutMs: number(where, 'timeoutMs', o.timeoutMs, DEFAULTS.timeoutMs, false),
    memoryLimitMB: number(where, 'memoryLimitMB', o.memoryLimitMB, DEFAULTS.memoryLimitMB[o.language as Language], false),
    assetsUrl: resolveFolderUrl('assetsUrl', o.assetsUrl),
    maxOutputBytes: number(where, 'maxOutputBytes', o.maxOutputBytes, DEFAULTS.maxOutputBytes, true),
    maxValueBytes: number(where, 'maxValueBytes', o.maxValueBytes, DEFAULTS.maxValueBytes, true),
    maxToolCalls: number(where, 'maxToolCalls', o.maxToolCalls, DEFAULTS.maxToolCalls, true),
    maxToolArgumentBytes: number(where, 'maxToolArgumentBytes', o.maxToolArgumentBytes, DEFAULTS.maxToolArgumentBytes, true),
    maxFileBytes: number(where, 'maxFileBytes', o.maxFileBytes, DEFAULTS.maxFileBytes, true),
    packages: packageList(where, o.packages),
    packageIndexUrl: resolveFolderUrl('packageIndexUrl', o.packageIndexUrl),
    pypiIndexUrl: resolveFolderUrl('pypiIndexUrl', o.pypiIndexUrl),
    onProgress: callback(where, 'onProgress', o.onProgress) as ((event: ProgressEvent) => void) | undefined,
    onEvent: callback(where, 'onEvent', o.onEvent) as ((event: SandboxEvent) => void) | undefined,
    tools: toolMap(where, o.tools),
    network: networkPolicy(where, o.network),
    snapshot: snapshotMode(where, o.language as Language, o.snapshot),
    autoInstall: autoInstall(where, o.language as Language, o.autoInstall, o.packageIndexUrl),
    micropip: micropip(where, o.language as Language, o.micropip, o.packageIndexUrl ?? o.pypiIndexUrl),
    packageTimeoutMs: number(where, 'packageTimeoutMs', o.packageTimeoutMs, DEFAULTS.packageTimeoutMs, false),
    allowPackages: allowPackages(where, o.language as Language, o.allowPackages),
    packageLimits: packageLimits(where, o.packageLimits),
  };
}

function snapshotMode(where: string, language: Language, value: unknown): boolean | 'persistent' {
  if (value === undefined || value === false) return false;
  if (value !== true && value !== 'persistent') throw new TypeError(`${where}: snapshot must be true, false or 'persistent', got ${JSON.stringify(value)}`);
  if (language !== 'python') throw new TypeError(`${where}: snapshot is for Python sandboxes (QuickJS starts in milliseconds)`);
  return value;
}

/** Checks `network`: `'none'` (the default) or `{ allow: [...], timeoutMs?, maxResponseBytes?, maxRequests? }`. */
function networkPolicy(where: string, value: unknown): NetworkPolicy | undefined {
  if (value === undefined || value === 'none') return undefined;
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { allow?: unknown }).allow)) {
    throw new TypeError(`${where}: network must be 'none' or { allow: [origins or patterns] }`);
  }
  const v = value as Record<string, unknown>;
  checkKeys(where, v, NETWORK_KEYS, 'network option');
  const allow = v.allow as unknown[];
  if (!allow.every((a) => typeof a === 'string')) throw new TypeError(`${where}: network.allow must be an array of strings`);
  const limit = (name: keyof NetworkLimits, max: number): number => numberOption(where, `network.${name}`, v[name], NETWORK_DEFAULTS[name], { min: 1, max, integer: true });
  return createNetworkPolicy(allow as string[], {
    timeoutMs: limit('timeoutMs', 2 ** 31 - 1),
    maxResponseBytes: limit('maxResponseBytes', 256 * 1024 * 1024),
    maxRequestBytes: limit('maxRequestBytes', 256 * 1024 * 1024),
    maxRequests: limit('maxRequests', 1_000_000),
  });
}

/** Checks `tools`: an object of functions whose names are identifiers in both languages. */
function toolMap(where: string, value: unknown): ReadonlyMap<string, Tool> {
  const tools = new Map<string, Tool>();
  if (value === undefined) return tools;
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: tools must be an object of functions`);
  for (const [name, fn] of Object.entries(value)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`${where}: tool name ${JSON.stringify(name)} must be an identifier (letters, digits, _)`);
    if (typeof fn !== 'function') throw new TypeError(`${where}: tools.${name} must be a function, got ${typeof fn}`);
    tools.set(name, fn as Tool);
  }
  return tools;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal === 'function' && value instanceof AbortSignal) return true;
  const v = value as Partial<AbortSignal> | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function';
}

/** Validates `run`'s options against the sandbox's defaults. */
export function resolveRunOptions(options: unknown, defaults: ResolvedSandboxOptions): ResolvedRunOptions {
  const where = 'run';
  if (options === undefined) {
    return { timeoutMs: defaults.timeoutMs, maxOutputBytes: defaults.maxOutputBytes, stdin: undefined, signal: undefined, onStdout: undefined, onStderr: undefined };
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  checkKeys(where, options, RUN_KEYS);
  const o = options as Partial<Record<keyof RunOptions, unknown>>;
  if (o.signal !== undefined && !isAbortSignal(o.signal)) throw new TypeError(`${where}: signal must be an AbortSignal`);
  if (o.stdin !== undefined && typeof o.stdin !== 'string') throw new TypeError(`${where}: stdin must be a string, got ${typeof o.stdin}`);
  return {
    timeoutMs: number(where, 'timeoutMs', o.timeoutMs, defaults.timeoutMs, false),
    maxOutputBytes: number(where, 'maxOutputBytes', o.maxOutputBytes, defaults.maxOutputBytes, true),
    stdin: o.stdin as string | undefined,
    signal: o.signal as AbortSignal | undefined,
    onStdout: callback(where, 'onStdout', o.onStdout),
    onStderr: callback(where, 'onStderr', o.onStderr),
  };
}

/** A pool's own options with defaults filled in, and the options for each of its sandboxes. */
export interface ResolvedPoolOptions {
  size: number;
  maxSize: number;
  maxRunsPerSandbox: number;
  idleTimeoutMs: number;
  resetOnRelease: boolean;
  sandbox: SandboxOptions;
  onEvent: ((event: SandboxEvent) => void) | undefined;
}

/** A pool's count option: a whole number of at least `min`, or `Infinity` for "no bound". */
const count = (name: string, value: unknown, fallback: number, min: number): number =>
  numberOption('createSandboxPool', name, value, fallback, { min, max: Infinity, integer: true, infinite: true });

/** Validates `createSandboxPool`'s options: the pool's own here, the rest as `createSandbox` does. */
export function resolvePoolOptions(options: unknown): ResolvedPoolOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("createSandboxPool: options must be an object such as { language: 'python', size: 1 }");
  }
  const { size, maxSize, maxRunsPerSandbox, idleTimeoutMs, resetOnRelease, ...sandbox } = options as SandboxPoolOptions;
  // Checks the sandbox options now, so a mistake throws here and not in a background start.
  const resolved = resolveSandboxOptions(sandbox);
  const warm = count('size', size, 1, 0);
  if (warm === Infinity) throw new RangeError('createSandboxPool: size must be finite');
  const pool = {
    size: warm,
    maxSize: count('maxSize', maxSize, warm + 4, Math.max(1, warm)),
    maxRunsPerSandbox: count('maxRunsPerSandbox', maxRunsPerSandbox, 100, 1),
    idleTimeoutMs: count('idleTimeoutMs', idleTimeoutMs, Infinity, 0),
    resetOnRelease: resetOnRelease ?? true,
    // A Python hand-off starts a fresh interpreter: from a memory snapshot it takes a third of the time.
    sandbox: resolved.language === 'python' && sandbox.snapshot === undefined ? { ...sandbox, snapshot: true } : sandbox,
    onEvent: resolved.onEvent,
  };
  if (typeof pool.resetOnRelease !== 'boolean') throw new TypeError(`createSandboxPool: resetOnRelease must be a boolean, got ${typeof resetOnRelease}`);
  return pool;
}
