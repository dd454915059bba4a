/**
 * Python packages: which wheels an install needs. Names are looked up in Pyodide's lock file (by
 * package name or import name, e.g. `sklearn`) and expanded with their dependencies; with a
 * PyPI-compatible index (`pypiIndexUrl`), what the lock file lacks is resolved there (see
 * pypi-index.ts); anything that looks like a URL is taken as a wheel of its own. The host fetches
 * the wheels (the frame cannot), checks each against the sha256 its lock file or index lists, and
 * the worker installs them with Pyodide.
 */
import { readBody } from '../read-body.js';
import { isWheelUrl, normalizeName } from './names.js';

/** A package entry of pyodide-lock.json (the fields used here). */
export interface LockPackage {
  name: string;
  file_name: string;
  version?: string;
  /** The wheel's SHA-256, hex. */
  sha256?: string;
  depends: string[];
  imports: string[];
}

/** The parts of pyodide-lock.json the host reads. */
export interface Lockfile {
  info?: { version?: string; python?: string; abi_version?: string; platform?: string };
  packages: Record<string, LockPackage>;
}

/** A wheel chosen from a PyPI-compatible index (pypi-index.ts). */
export interface IndexWheel {
  name: string;
  version: string;
  /** Absolute URL of the wheel file. */
  url: string;
  /** SHA-256 (hex) the index lists for it. */
  sha256: string;
}

/** What one install needs: lock-file packages (with dependencies) and wheel URLs. */
export interface PackagePlan {
  /** Lock-file package names, dependencies included, for Pyodide's loadPackage. */
  names: string[];
  /** Their wheel files, relative to the package index. */
  files: string[];
  /** Each wheel file's SHA-256 (hex) from the lock file, checked here before it is installed. */
  hashes: Record<string, string>;
  /** Wheels named by URL. */
  wheelUrls: string[];
  /** Wheels resolved on a PyPI-compatible index, each checked against the sha256 it lists. */
  indexWheels: IndexWheel[];
  /** Every project the install brings, normalized name → version (undefined when not known). */
  projects: Map<string, string | undefined>;
}


/** Resolves requested names to lock-file packages and wheel URLs; throws RangeError for an unknown name. */
export function planPackages(lock: Lockfile, requests: string[], base?: string): PackagePlan {
  const byName = new Map<string, LockPackage>();
  const byImport = new Map<string, LockPackage>();
  for (const pkg of Object.values(lock.packages)) {
    byName.set(normalizeName(pkg.name), pkg);
    for (const name of pkg.imports ?? []) byImport.set(name, pkg);
  }
  const chosen = new Map<string, LockPackage>();
  const wheelUrls: string[] = [];
  const visit = (pkg: LockPackage) => {
    if (chosen.has(pkg.name)) return;
    chosen.set(pkg.name, pkg);
    for (const dep of pkg.depends ?? []) {
      const found = byName.get(normalizeName(dep));
      if (found) visit(found);
    }
  };
  for (const request of requests) {
    if (isWheelUrl(request)) {
      wheelUrls.push(new URL(request, base).href);
      continue;
    }
    const pkg = byName.get(normalizeName(request)) ?? byImport.get(request);
    if (!pkg) throw new RangeError(`installPackages: "${request}" is not a package of this Pyodide distribution (set pypiIndexUrl to install pure-Python wheels from a PyPI-compatible index, or give a wheel URL)`);
    visit(pkg);
  }
  const packages = [...chosen.values()];
  const hashes = Object.fromEntries(packages.flatMap((p) => (p.sha256 ? [[p.file_name, p.sha256.toLowerCase()]] : [])));
  const projects = new Map(packages.map((p) => [normalizeName(p.name), p.version]));
  return { names: packages.map((p) => p.name), files: packages.map((p) => p.file_name), hashes, wheelUrls, indexWheels: [], projects };
}

const importCache = new WeakMap<Lockfile, Record<string, string>>();

/** Import name → package name (once per lock file), for the hint in a ModuleNotFoundError and for autoInstall. */
export function importNames(lock: Lockfile): Record<string, string> {
  let out = importCache.get(lock);
  if (!out) {
    out = {};
    for (const pkg of Object.values(lock.packages)) for (const name of pkg.imports ?? []) out[name] = pkg.name;
    importCache.set(lock, out);
  }
  return out;
}

const lockCache = new WeakMap<ArrayBuffer, Lockfile>();

/** Parses (once per buffer) the lock file the Python assets carry. */
export function readLockfile(bytes: ArrayBuffer): Lockfile {
  let lock = lockCache.get(bytes);
  if (!lock) {
    lock = JSON.parse(new TextDecoder().decode(bytes)) as Lockfile;
    lockCache.set(bytes, lock);
  }
  return lock;
}

/** The SHA-256 of `bytes`, hex; undefined where the page has no Web Crypto (not a secure context). */
async function sha256Hex(bytes: BufferSource): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  return [...new Uint8Array(await subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** How many wheels one install fetches at once. */
const FETCH_CONCURRENCY = 4;

/**
 * Fetches the plan's wheels, a few at a time, and returns them keyed the way the worker looks them
 * up: lock-file wheels by file name, others by URL. Lock-file wheels must match the lock file's
 * sha256, wheels resolved on an index the index's. Every chunk of every body is counted by
 * `onBytes`, which throws to refuse more; `onFetched` hears how many have arrived; past
 * `timeoutMs` the install fails. Nothing is kept: the bodies are the caller's, to transfer to the
 * worker (or to drop). On the first failure the other fetches are cancelled. Throws PackageError
 * naming the URL that failed, or the wheel that does not match.
 */
export async function fetchWheels(
  plan: PackagePlan,
  indexUrl: URL | undefined,
  fail: (message: string, cause?: unknown) => Error,
  options: { timeoutMs: number; onBytes(bytes: number): void; onFetched?: (fetched: number) => void },
): Promise<Record<string, ArrayBuffer>> {
  if (plan.files.length && !indexUrl) {
    throw fail(`installing ${plan.names.join(', ')} needs a packageIndexUrl: the folder of a Pyodide distribution you host, or a CDN you choose`);
  }
  const wanted: Array<[key: string, url: string, sha256: string | undefined]> = [
    ...plan.files.map((file): [string, string, string | undefined] => [file, new URL(file, indexUrl).href, plan.hashes[file]]),
    ...plan.wheelUrls.map((url): [string, string, undefined] => [url, url, undefined]),
    ...plan.indexWheels.map((w): [string, string, string] => [w.url, w.url, w.sha256]),
  ];
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const stop = new AbortController();
  const signal = AbortSignal.any([timeout, stop.signal]);
  const out: Record<string, ArrayBuffer> = {};
  let fetched = 0;
  const fetchOne = async ([key, url, expected]: (typeof wanted)[number]) => {
    let body: Uint8Array<ArrayBuffer>;
    try {
      const response = await fetch(url, { signal }).catch((cause: unknown) => {
        throw fail(`could not fetch ${url} (is it reachable from this page, with CORS if on another origin?)`, cause);
      });
      if (!response.ok) throw fail(`could not fetch ${url}: HTTP ${response.status}`);
      body = await readBody(response, { onChunk: options.onBytes });
    } catch (error) {
      // Whatever failed once the time was up (the request or its body), the time is why.
      throw timeout.aborted ? fail(`fetching ${url} timed out after ${options.timeoutMs} ms (packageTimeoutMs)`) : error;
    }
    if (expected !== undefined) {
      const actual = await sha256Hex(body);
      const [what, listed] = key === url ? [url, "the package index's"] : [`${key} from ${url}`, "the lock file's"];
      if (actual === undefined) throw fail(`cannot check ${what} against ${listed} sha256: this page has no Web Crypto (serve it over https or from localhost)`);
      if (actual !== expected) throw fail(`${what} does not match ${listed} sha256 (expected ${expected}, got ${actual}): refused`);
    }
    out[key] = body.byteLength === body.buffer.byteLength ? body.buffer : body.slice().buffer;
    options.onFetched?.(++fetched);
  };
  let next = 0;
  const fetcher = async () => {
    while (next < wanted.length) await fetchOne(wanted[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, wanted.length) }, fetcher));
  } finally {
    // The first failure cancels the rest; after success this aborts nothing.
    stop.abort();
  }
  return out;
}

const indexLocks = new Map<string, Promise<ArrayBuffer | undefined>>();

/**
 * The lock file of the package index at `indexUrl` (`pyodide-lock.json` there, as in Pyodide's own
 * distribution layout; fetched once per page), so that every package the index lists can be
 * installed by name and is checked against its sha256. The bundled lock file when the index has
 * none (a plain folder of wheels) or cannot be reached now (within `timeoutMs`: offline, a start
 * must not hang on it); a `fail` error when it is for another
 * Python or ABI than the bundled Pyodide, whose packages would not load.
 */
export async function indexLockfile(indexUrl: URL, bundled: ArrayBuffer, fail: (message: string) => Error, timeoutMs: number): Promise<ArrayBuffer> {
  const url = new URL('pyodide-lock.json', indexUrl).href;
  let load = indexLocks.get(url);
  if (!load) {
    load = fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
      (r) => (r.ok ? r.arrayBuffer() : undefined),
      () => undefined,
    );
    indexLocks.set(url, load);
    // Unreachable now is not remembered: the next start asks again.
    void load.then((bytes) => bytes ?? indexLocks.delete(url));
  }
  const bytes = await load;
  if (!bytes) return bundled;
  let lock: Lockfile;
  try {
    lock = readLockfile(bytes);
  } catch {
    throw fail(`the package index's ${url} is not JSON`);
  }
  if (typeof lock?.packages !== 'object' || lock.packages === null) throw fail(`the package index's ${url} is not a Pyodide lock file (no "packages")`);
  const ours = readLockfile(bundled).info ?? {};
  const theirs = lock.info ?? {};
  for (const key of ['python', 'abi_version', 'platform'] as const) {
    if (ours[key] !== undefined && theirs[key] !== ours[key]) {
      throw fail(`the package index at ${indexUrl.href} is for ${key} ${JSON.stringify(theirs[key])}, but this library's Pyodide has ${JSON.stringify(ours[key])}: use pyodideDistributionUrl, or a distribution of the same Pyodide release`);
    }
  }
  return bytes;
}
