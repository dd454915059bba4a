/**
 * Python packages: which wheels an install needs. Names are looked up in Pyodide's lock file (by
 * package name or import name, e.g. `sklearn`) and expanded with their dependencies; anything that
 * looks like a URL is taken as a wheel of its own. The host fetches the wheels (the frame cannot)
 * and the worker installs them with Pyodide, which checks each lock-file wheel's sha256.
 */

/** A package entry of pyodide-lock.json (the fields used here). */
export interface LockPackage {
  name: string;
  file_name: string;
  depends: string[];
  imports: string[];
}

/** The parts of pyodide-lock.json the host reads. */
export interface Lockfile {
  info?: { version?: string };
  packages: Record<string, LockPackage>;
}

/** What one install needs: lock-file packages (with dependencies) and wheel URLs. */
export interface PackagePlan {
  /** Lock-file package names, dependencies included, for Pyodide's loadPackage. */
  names: string[];
  /** Their wheel files, relative to the package index. */
  files: string[];
  /** Wheels named by URL. */
  wheelUrls: string[];
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const isUrl = (s: string) => /^(https?:|blob:|\.{0,2}\/)/.test(s) || s.endsWith('.whl');

/** Resolves requested names to lock-file packages and wheel URLs; throws RangeError for an unknown name. */
export function planPackages(lock: Lockfile, requests: string[], base?: string): PackagePlan {
  const byName = new Map<string, LockPackage>();
  const byImport = new Map<string, LockPackage>();
  for (const pkg of Object.values(lock.packages)) {
    byName.set(normalize(pkg.name), pkg);
    for (const name of pkg.imports ?? []) byImport.set(name, pkg);
  }
  const chosen = new Map<string, LockPackage>();
  const wheelUrls: string[] = [];
  const visit = (pkg: LockPackage) => {
    if (chosen.has(pkg.name)) return;
    chosen.set(pkg.name, pkg);
    for (const dep of pkg.depends ?? []) {
      const found = byName.get(normalize(dep));
      if (found) visit(found);
    }
  };
  for (const request of requests) {
    if (isUrl(request)) {
      wheelUrls.push(new URL(request, base).href);
      continue;
    }
    const pkg = byName.get(normalize(request)) ?? byImport.get(request);
    if (!pkg) throw new RangeError(`installPackages: "${request}" is not a package of this Pyodide distribution (give a wheel URL for other packages)`);
    visit(pkg);
  }
  const packages = [...chosen.values()];
  return { names: packages.map((p) => p.name), files: packages.map((p) => p.file_name), wheelUrls };
}

/** Import name → package name, for the hint in a ModuleNotFoundError. */
export function importNames(lock: Lockfile): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of Object.values(lock.packages)) for (const name of pkg.imports ?? []) out[name] = pkg.name;
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

/**
 * Fetches the plan's wheels (from `cache` when already fetched) and returns them keyed the way the
 * worker looks them up: lock-file wheels by file name, others by URL. Returns copies, ready to be
 * transferred. Throws PackageError naming the URL that failed.
 */
export async function fetchWheels(
  plan: PackagePlan,
  indexUrl: URL | undefined,
  cache: Map<string, Promise<ArrayBuffer>>,
  fail: (message: string, cause?: unknown) => Error,
): Promise<Record<string, ArrayBuffer>> {
  if (plan.files.length && !indexUrl) {
    throw fail(`installing ${plan.names.join(', ')} needs a packageIndexUrl: the folder of a Pyodide distribution you host, or a CDN you choose`);
  }
  const wanted: Array<[key: string, url: string]> = [
    ...plan.files.map((file): [string, string] => [file, new URL(file, indexUrl).href]),
    ...plan.wheelUrls.map((url): [string, string] => [url, url]),
  ];
  const entries = await Promise.all(
    wanted.map(async ([key, url]) => {
      let bytes = cache.get(url);
      if (!bytes) {
        bytes = fetch(url).then(
          (r) => (r.ok ? r.arrayBuffer() : Promise.reject(fail(`could not fetch ${url}: HTTP ${r.status}`))),
          (cause) => Promise.reject(fail(`could not fetch ${url} (is it reachable from this page, with CORS if on another origin?)`, cause)),
        );
        cache.set(url, bytes);
        bytes.catch(() => cache.delete(url));
      }
      return [key, (await bytes).slice(0)] as const;
    }),
  );
  return Object.fromEntries(entries);
}
