/**
 * Python installs, on the host page: what an install needs (the lock file, and `pypiIndexUrl` when
 * the app named one), the wheels fetched and checked here (the frame can fetch nothing), and the
 * worker told to install them. Every install that guest code causes (`micropip.install`,
 * `autoInstall`) is first admitted by the egress gate, and every install request, whoever made
 * it, is audited there.
 *
 * Which packages an engine gets: the app's `packages`, then what was installed since the last
 * `reset()` (by `installPackages`, micropip or autoInstall), again after every engine restart. A
 * reset, and so a pool's hand-off, forgets the second list: the next user starts from exactly the
 * app's `packages`, never from what an earlier guest installed.
 */
import { PackageError } from '../../shared/errors.js';
import type { InstallReason, SandboxEventInput } from '../../shared/events.js';
import type { ProgressEvent } from '../../shared/types.js';
import type { ActiveRun, ByteBudget, EgressGate } from '../egress-gate.js';
import type { FrameSession } from '../frame-session.js';
import type { ResolvedSandboxOptions } from '../options.js';
import type { EngineAssets } from '../assets.js';
import { normalizeName } from './names.js';
import { fetchWheels, importNames, indexLockfile, planPackages, readLockfile, type PackagePlan } from './packages.js';
import { scanImports } from './python-imports.js';

/** What the installer needs from its sandbox. */
export interface InstallerHost {
  options: ResolvedSandboxOptions;
  gate: EgressGate;
  progress(event: ProgressEvent): void;
  emit(event: SandboxEventInput): void;
}

const fail = (message: string, cause?: unknown) => new PackageError(message, { cause });

/** Resolves after `ms` with undefined, unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The installs of one Python sandbox. Owned by it. */
export class PackageInstaller {
  /** Installed since the last reset (app and guest alike): installed again after an engine restart. */
  private sinceReset: string[] = [];
  /** Every project installed in the current engine (normalized name → version), dependencies included. */
  private readonly installed = new Map<string, string | undefined>();
  /** The lock file the current engine was started with (the package index's, if it has one). */
  private lockBytes: ArrayBuffer | undefined;
  /** Every wheel byte the current engine was given. */
  private engineBytes: ByteBudget;
  /** The installs code asked for (`micropip`), one after another. */
  private codeInstalls: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: InstallerHost) {
    this.engineBytes = host.gate.engineBudget();
  }

  /** The lock file to start Pyodide with: the package index's when it has one, else the bundled one. */
  async lockFor(assets: EngineAssets): Promise<ArrayBuffer | undefined> {
    const bundled = assets.files['pyodide-lock.json'];
    const { packageIndexUrl, packageTimeoutMs } = this.host.options;
    if (!bundled || !packageIndexUrl) return bundled;
    return indexLockfile(packageIndexUrl, bundled, (message) => fail(message), packageTimeoutMs);
  }

  /** A new engine, started with `lockBytes`: installs the app's packages and those since the last reset. */
  async startEngine(session: FrameSession, lockBytes: ArrayBuffer | undefined): Promise<void> {
    this.lockBytes = lockBytes;
    this.installed.clear();
    this.engineBytes = this.host.gate.engineBudget();
    const all = [...new Set([...this.host.options.packages, ...this.sinceReset])];
    if (all.length) await this.install(session, all, 'start');
  }

  /** `reset()`: the next engine gets exactly the app's `packages`. */
  forgetSinceReset(): void {
    this.sinceReset = [];
  }

  /** `installPackages()`, the app's own call. */
  async installForApp(session: FrameSession, requests: string[]): Promise<void> {
    await this.install(session, requests, 'call');
    this.remember(requests);
  }

  /**
   * `micropip.install` from a run's code: admitted by the gate, installed in the running engine
   * (one install at a time), and again after restarts until the next reset.
   */
  installForCode(session: FrameSession | undefined, requirements: string[], run: ActiveRun): Promise<string[]> {
    const task = this.codeInstalls.then(async () => {
      this.host.gate.admitGuestInstall('micropip', requirements, run);
      if (!session?.alive) throw fail('the run has ended');
      const installed = await this.install(session, requirements, 'micropip', run);
      this.remember(requirements);
      this.host.progress({ phase: 'ready' });
      return installed;
    });
    this.codeInstalls = task.catch(() => {});
    return task;
  }

  /**
   * `autoInstall`: before a run, installs the distribution packages its code imports and the
   * engine lacks. The candidates are read on the host from the code's text; the engine's parser
   * may only drop some (names in strings or comments), and is asked only when there is a candidate.
   */
  async installImports(session: FrameSession, code: string, run: ActiveRun): Promise<void> {
    const providers = importNames(readLockfile(this.lockBytes!));
    // With the micropip option, `import micropip` is the sandbox's own module, not the distribution's.
    const provider = (module: string) => (module === 'micropip' && this.host.options.micropip ? undefined : providers[module]);
    const lacking = (module: string) => {
      const name = provider(module);
      return name !== undefined && !this.installed.has(normalizeName(name));
    };
    const candidates = scanImports(code).filter(lacking);
    if (candidates.length === 0) return;
    const parsed = new Set((await session.findImports(code)).map((module) => module.split('.')[0]!));
    const found = [...new Set(candidates.filter((module) => parsed.has(module)).map((module) => provider(module)!))];
    if (found.length === 0) return;
    const wanted = this.host.gate.admitGuestInstall('imports', found, run);
    if (wanted.length === 0) return;
    await this.install(session, wanted, 'imports', run);
    this.remember(wanted);
    this.host.progress({ phase: 'ready' });
  }

  private remember(requests: string[]): void {
    for (const r of requests) if (!this.sinceReset.includes(r)) this.sinceReset.push(r);
  }

  /**
   * Fetches what `requests` need and installs it in `session`, reporting each wheel fetched to
   * `onProgress`, and the request's outcome (and success as `packages-installed`) to `onEvent`.
   * `run` is given for installs guest code caused: their new projects count against its cap.
   */
  private async install(session: FrameSession, requests: string[], reason: InstallReason, run?: ActiveRun): Promise<string[]> {
    const { gate, options } = this.host;
    const runSeq = run?.runSeq;
    let refused = false;
    try {
      const plan = await this.plan(requests, run);
      if (run) {
        const newProjects = [...plan.projects.keys()].filter((name) => !this.installed.has(name)).length;
        const why = gate.projectsRefusal(newProjects, run);
        if (why) {
          refused = true;
          gate.auditInstall(reason, requests, { allowed: false, error: why }, runSeq);
          throw fail(why);
        }
      }
      const total = plan.files.length + plan.wheelUrls.length + plan.indexWheels.length;
      this.host.progress({ phase: 'packages', loaded: 0, total });
      const budget = gate.installBudget();
      const files = await fetchWheels(plan, options.packageIndexUrl, fail, {
        timeoutMs: options.packageTimeoutMs,
        onBytes: (bytes) => {
          budget.take(bytes);
          this.engineBytes.take(bytes);
        },
        onFetched: (loaded) => this.host.progress({ phase: 'packages', loaded, total }),
      });
      const answer = session.installPackages({ files, requests: [...plan.names, ...plan.wheelUrls, ...plan.indexWheels.map((w) => w.url)] });
      // A worker that never answers is stuck: it is stopped, and the install fails.
      const error = await within(answer, options.packageTimeoutMs);
      if (error === undefined) {
        session.dispose();
        throw fail(`the engine did not finish installing ${requests.join(', ').slice(0, 200)} within ${options.packageTimeoutMs} ms (packageTimeoutMs): it was stopped`);
      }
      if (error) throw fail(`installing ${requests.join(', ')} failed: ${error}`);
      for (const [name, version] of plan.projects) this.installed.set(name, version);
      const packages = [...plan.names, ...plan.wheelUrls, ...plan.indexWheels.map((w) => `${w.name}==${w.version}`)];
      gate.auditInstall(reason, requests, { allowed: true, ok: true, projects: plan.projects.size, bytes: budget.bytes }, runSeq);
      this.host.emit({ type: 'packages-installed', packages, reason, ...(runSeq !== undefined && { runSeq }) });
      return packages;
    } catch (error) {
      if (!refused) gate.auditInstall(reason, requests, { allowed: true, ok: false, error: (error as Error).message ?? String(error) }, runSeq);
      throw error;
    }
  }

  /** What `requests` need: from the lock file, and from `pypiIndexUrl` when the app named one. */
  private async plan(requests: string[], run?: ActiveRun): Promise<PackagePlan> {
    const { packageIndexUrl, pypiIndexUrl, packageTimeoutMs } = this.host.options;
    const lock = readLockfile(this.lockBytes!);
    const base = globalThis.document?.baseURI;
    try {
      if (!pypiIndexUrl) return planPackages(lock, requests, base);
      // The resolver (and its PEP 440 library) is loaded only by apps that name an index.
      const { getIndexJson, planWithIndex } = await import('./pypi-index.js');
      return await planWithIndex(lock, requests, base, {
        indexUrl: pypiIndexUrl,
        lockAvailable: packageIndexUrl !== undefined,
        installed: this.installed,
        getJson: (url: string) => getIndexJson(url, packageTimeoutMs, fail),
        // A guest's install looks up no more projects than its run may still bring.
        ...(run && { maxIndexProjects: this.host.gate.projectsLeft(run) }),
        fail,
      });
    } catch (error) {
      throw error instanceof PackageError ? error : fail((error as Error).message);
    }
  }
}
