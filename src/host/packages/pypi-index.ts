/**
 * Pure-Python wheels from a PyPI-compatible index (its JSON API: `<index>/<project>/json`, as
 * `https://pypi.org/pypi/` serves it), resolved on the host page where no guest reaches: the
 * guest cannot choose what is fetched, and every wheel is checked against the sha256 the index
 * lists before it is installed. Resolution is micropip's: breadth first, the newest version that
 * satisfies what asked for it and has a pure-Python wheel for this Python, a Pyodide distribution
 * package when the distribution has it, dependencies from `requires_dist` with their markers
 * evaluated for Pyodide, and a conflict refused rather than backtracked.
 */
import { compare, parse, valid } from '@renovatebot/pep440';
import { isWheelUrl, normalizeName } from './names.js';
import { importNames, planPackages, type IndexWheel, type LockPackage, type Lockfile, type PackagePlan } from './packages.js';
import { evaluateMarker, parseRequirement, pyodideEnvironment, versionSatisfies, type Requirement } from './requirements.js';
import { readBody } from '../read-body.js';

/** The largest JSON API page read (a project with thousands of releases is a few megabytes). */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;

/** A file of a release, as the JSON API lists it (the fields used here). */
interface IndexFile {
  filename: string;
  url: string;
  digests?: { sha256?: string };
  yanked?: boolean;
  requires_python?: string | null;
}

/** A project (or one release of it) as the JSON API answers. */
interface IndexProject {
  info: { name: string; version: string; requires_dist?: string[] | null };
  releases?: Record<string, IndexFile[]>;
}

/** What a set of requirements resolves to. */
export interface Resolution {
  /** Distribution (lock-file) packages to install, dependencies left to the lock file. */
  lockNames: string[];
  /** Wheels from the index, dependencies first. */
  wheels: IndexWheel[];
}

/** What resolution reads besides the index. */
export interface ResolveContext {
  lock: Lockfile;
  /** Whether the distribution's packages can be installed (the app set `packageIndexUrl`). */
  lockAvailable: boolean;
  /** The PyPI-compatible index (JSON API base), when the app named one. */
  indexUrl: URL | undefined;
  /** Projects already in the sandbox (normalized name → version): kept, never replaced. */
  installed: ReadonlyMap<string, string | undefined>;
  /** Reads a JSON API page: its JSON, undefined for a 404; throws the failure otherwise. */
  getJson(url: string): Promise<unknown>;
  /** The most projects the resolution may look up on the index (each is a page the host fetches); unbounded when absent. */
  maxIndexProjects?: number;
  fail(message: string): Error;
}

const isFinal = (version: string) => {
  const v = parse(version);
  return Boolean(v && !v.pre && !v.dev);
};

/** Whether a wheel file name is pure Python for Python `major.minor` (`py3`, `py3N` up to it, `cp3N` for it). */
export function isPureWheel(filename: string, pythonVersion: string): boolean {
  const m = /^[^-]+-[^-]+(?:-\d[^-]*)?-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(filename);
  if (!m || m[2] !== 'none' || m[3] !== 'any') return false;
  const minor = Number(pythonVersion.split('.')[1]);
  return m[1]!.split('.').some((tag) => {
    const t = /^(py|cp)3(\d*)$/.exec(tag);
    if (!t) return false;
    if (t[2] === '') return t[1] === 'py';
    return t[1] === 'py' ? Number(t[2]) <= minor : Number(t[2]) === minor;
  });
}

/** Resolves `requests` (PEP 508 strings) against the distribution and the index. Throws `ctx.fail` errors naming the project and why. */
export async function resolveRequirements(requests: string[], ctx: ResolveContext): Promise<Resolution> {
  const env = pyodideEnvironment(ctx.lock.info);
  const lockByKey = new Map<string, LockPackage>();
  for (const pkg of Object.values(ctx.lock.packages)) lockByKey.set(normalizeName(pkg.name), pkg);
  /** Every project this resolution settled on (or found installed), with who asked first. */
  const chosen = new Map<string, { name: string; version: string | undefined; from: string }>();
  const lockNames: string[] = [];
  const wheels: IndexWheel[] = [];
  const queue: Array<{ req: Requirement; by: string | undefined }> = [];
  /** Projects looked up on the index so far. */
  let looked = 0;
  for (const text of requests) {
    try {
      queue.push({ req: parseRequirement(text), by: undefined });
    } catch (error) {
      throw ctx.fail((error as Error).message);
    }
  }

  const takeLock = (pkg: LockPackage, by: string) => {
    const key = normalizeName(pkg.name);
    if (chosen.has(key)) return;
    chosen.set(key, { name: pkg.name, version: (pkg as { version?: string }).version, from: by });
    for (const dep of pkg.depends ?? []) {
      const found = lockByKey.get(normalizeName(dep));
      if (found) takeLock(found, `${pkg.name} (distribution)`);
    }
  };

  while (queue.length) {
    const { req, by } = queue.shift()!;
    const wanted = `${req.name}${req.specifier}`;
    const neededBy = by ? ` (needed by ${by})` : '';
    const have = chosen.get(req.key) ?? (ctx.installed.has(req.key) ? { name: req.name, version: ctx.installed.get(req.key), from: 'this sandbox (installed)' } : undefined);
    if (have) {
      if (have.version !== undefined && !versionSatisfies(have.version, req.specifier, true)) {
        throw ctx.fail(`${wanted}${neededBy} conflicts with ${have.name} ${have.version}, already chosen for ${have.from}`);
      }
      continue;
    }
    const lockPkg = lockByKey.get(req.key);
    const lockVersion = (lockPkg as { version?: string } | undefined)?.version;
    if (lockPkg && ctx.lockAvailable && (lockVersion === undefined || versionSatisfies(lockVersion, req.specifier, true))) {
      takeLock(lockPkg, by ?? 'the request');
      lockNames.push(lockPkg.name);
      continue;
    }
    const distributionHint = lockPkg && !ctx.lockAvailable ? ` (it is a package of the Pyodide distribution: set packageIndexUrl, e.g. to pyodideDistributionUrl)` : '';
    if (!ctx.indexUrl) {
      throw ctx.fail(
        lockPkg
          ? `installing ${wanted}${neededBy} needs a packageIndexUrl: the folder of a Pyodide distribution you host, or a CDN you choose`
          : `"${wanted}"${neededBy} is not a package of this Pyodide distribution (set pypiIndexUrl to install pure-Python wheels from a PyPI-compatible index, or give a wheel URL)`,
      );
    }
    if (++looked > (ctx.maxIndexProjects ?? Infinity)) throw ctx.fail(`resolving ${requests.join(', ').slice(0, 200)} would look up more than ${ctx.maxIndexProjects} projects on the index: refused`);
    const projectUrl = new URL(`${req.key}/json`, ctx.indexUrl).href;
    const project = (await ctx.getJson(projectUrl)) as IndexProject | undefined;
    if (project === undefined) throw ctx.fail(`${wanted}${neededBy} is not on the package index ${ctx.indexUrl.href} (HTTP 404 for ${projectUrl})${distributionHint}`);
    if (typeof project !== 'object' || project === null || typeof project.info !== 'object' || typeof project.releases !== 'object' || project.releases === null) {
      throw ctx.fail(`${projectUrl} is not a PyPI JSON API answer (no "info" and "releases")`);
    }
    const usable = (files: IndexFile[] | undefined) =>
      (Array.isArray(files) ? files : []).find(
        (f) => typeof f?.filename === 'string' && !f.yanked && isPureWheel(f.filename, env.python_version!) && (!f.requires_python || versionSatisfies(env.python_full_version!, f.requires_python.replace(/\s+/g, ''), true)),
      );
    const versions = Object.keys(project.releases).filter((v) => valid(v) && versionSatisfies(v, req.specifier, true) && usable(project.releases![v]));
    const finals = versions.filter(isFinal);
    const version = (finals.length ? finals : versions).sort(compare).at(-1);
    if (version === undefined) {
      const any = Object.keys(project.releases).some((v) => valid(v) && versionSatisfies(v, req.specifier, true));
      throw ctx.fail(
        any
          ? `${wanted}${neededBy}: no release on ${ctx.indexUrl.href} has a pure-Python wheel for Python ${env.python_version} (micropip-style installs take only *-none-any wheels)${distributionHint}`
          : `${wanted}${neededBy}: no release on ${ctx.indexUrl.href} matches (it has ${Object.keys(project.releases).join(', ') || 'none'})`,
      );
    }
    const file = usable(project.releases[version])!;
    const sha256 = file.digests?.sha256?.toLowerCase();
    if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw ctx.fail(`${req.name} ${version}: the index lists no sha256 for ${file.filename}, so it cannot be checked: refused`);
    let requires = project.info.requires_dist;
    if (version !== project.info.version) {
      const release = (await ctx.getJson(new URL(`${req.key}/${version}/json`, ctx.indexUrl).href)) as IndexProject | undefined;
      requires = release?.info?.requires_dist;
    }
    const name = typeof project.info.name === 'string' ? project.info.name : req.name;
    chosen.set(req.key, { name, version, from: by ?? 'the request' });
    wheels.push({ name, version, url: new URL(file.url, projectUrl).href, sha256 });
    for (const text of Array.isArray(requires) ? requires : []) {
      let dep: Requirement;
      try {
        dep = parseRequirement(text);
      } catch (error) {
        throw ctx.fail(`${name} ${version} has a dependency that cannot be read: ${(error as Error).message}`);
      }
      const applies = !dep.marker || [undefined, ...req.extras].some((extra) => evaluateMarker(dep.marker, { ...env, extra: extra ?? '' }));
      if (applies) queue.push({ req: dep, by: `${name} ${version}` });
    }
  }
  // Installed in order: dependencies before what needs them.
  return { lockNames, wheels: wheels.reverse() };
}

/**
 * Plans an install with a PyPI-compatible index: the requested names resolved against the lock
 * file and the index together (see {@link resolveRequirements}); URLs stay wheels of their own.
 * Loaded only by sandboxes given `pypiIndexUrl`. Throws `ctx.fail` errors.
 */
export async function planWithIndex(lock: Lockfile, requests: string[], base: string | undefined, ctx: Omit<ResolveContext, 'lock'>): Promise<PackagePlan> {
  const imports = importNames(lock);
  // An import name of a distribution package (`sklearn`) means that package, as without an index.
  const names = requests.filter((r) => !isWheelUrl(r)).map((r) => (ctx.lockAvailable && imports[r] ? imports[r] : r));
  const resolution = await resolveRequirements(names, { ...ctx, lock });
  const plan = planPackages(lock, [...resolution.lockNames, ...requests.filter(isWheelUrl)], base);
  plan.indexWheels = resolution.wheels;
  for (const wheel of resolution.wheels) plan.projects.set(normalizeName(wheel.name), wheel.version);
  return plan;
}

/**
 * Fetches a JSON API page, bounded by `timeoutMs` and {@link MAX_PAGE_BYTES}: its JSON, or
 * undefined for a 404. Throws `fail` errors for anything else. Nothing is kept on the page (a
 * guest's installs must not pile up in its memory); the browser's HTTP cache may answer repeats.
 */
export async function getIndexJson(url: string, timeoutMs: number, fail: (message: string, cause?: unknown) => Error): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const r = await fetch(url, { signal, headers: { Accept: 'application/json' } }).catch((cause: unknown) => {
      throw fail(`could not fetch ${url} (is it reachable from this page, with CORS if on another origin?)`, cause);
    });
    if (r.status === 404) return undefined;
    if (!r.ok) throw fail(`could not fetch ${url}: HTTP ${r.status}`);
    const body = await readBody(r, { max: MAX_PAGE_BYTES, tooLarge: () => fail(`${url} is larger than ${MAX_PAGE_BYTES} bytes: refused`) });
    try {
      return JSON.parse(new TextDecoder().decode(body)) as unknown;
    } catch (cause) {
      throw fail(`${url} is not JSON`, cause);
    }
  } catch (error) {
    throw signal.aborted ? fail(`fetching ${url} timed out after ${timeoutMs} ms (packageTimeoutMs)`) : error;
  }
}
