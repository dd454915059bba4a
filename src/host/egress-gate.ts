/**
 * The one gate for everything a guest causes outside its realm. Every effect of guest code on the
 * host page passes here to be decided, counted and audited: calls to the app's tools, network
 * requests (performed by the host page; the frame itself can reach nothing), and package installs
 * that guest code asks for (`micropip.install`) or that its imports cause (`autoInstall`), which
 * are network traffic too: a package name becomes a URL the page fetches on the index.
 *
 * What arrives from the frame is JSON text, parsed and checked here. Answers resolve with JSON;
 * refusals reject with the message the guest sees. Nothing here trusts what the worker computed:
 * the counts live in the run's record on the host, and every request, allowed, refused or failed,
 * is an audit event naming what was asked.
 */
import { fromBase64, toBase64 } from '../shared/base64.js';
import { PackageError } from '../shared/errors.js';
import type { InstallReason, SandboxEventInput } from '../shared/events.js';
import type { FetchRequest, FetchResponse, HostCall, InstallCall } from '../shared/protocol.js';
import { fitsUtf8 } from '../shared/utf8.js';
import type { PackageLimits, Tool } from '../shared/types.js';
import type { NetworkPolicy } from './network-policy.js';
import { isWheelUrl, normalizeName } from './packages/names.js';
import { readBody } from './read-body.js';

/** The run a guest effect belongs to, and what it has spent so far. Owned by the gate. */
export interface ActiveRun {
  runSeq: number;
  /** Aborts when the run ends: its tools, requests and installs are told to stop. */
  ended: AbortController;
  /** Network requests made. */
  requests: number;
  /** Install requests made (micropip calls and autoInstall together). */
  installs: number;
  /** Projects new to the engine that those installs brought. */
  projects: number;
}

/** Which projects guest code may have installed; undefined means the default rule (see {@link EgressGate.installRefusal}). */
export type PackageAllowance = (normalizedName: string) => boolean;

/** What a sandbox's gate decides with: the app's grants and caps, and where its audit events go. */
export interface EgressGateOptions {
  tools: ReadonlyMap<string, Tool>;
  network: NetworkPolicy | undefined;
  maxValueBytes: number;
  /** The app's `allowPackages`, as a predicate on PEP 503 names. */
  allowPackages: PackageAllowance | undefined;
  packageLimits: Required<PackageLimits>;
  /**
   * Installs what a guest's `micropip.install` asks for (admitted requirements), answering what
   * was installed; undefined when the app did not allow micropip.
   */
  install: ((requirements: string[], run: ActiveRun) => Promise<string[]>) | undefined;
  emit(event: SandboxEventInput): void;
}

/** Most requirements one install call may name, and the longest one. */
const MAX_INSTALL_REQUIREMENTS = 100;
const MAX_REQUIREMENT_LENGTH = 500;
/** Longest text of one requested name that an audit event repeats. */
const MAX_AUDITED_NAME = 200;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);

function readFetchRequest(args: string): FetchRequest {
  const v = JSON.parse(args) as Partial<FetchRequest>;
  const ok =
    typeof v.url === 'string' &&
    typeof v.method === 'string' &&
    Array.isArray(v.headers) &&
    v.headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((x) => typeof x === 'string')) &&
    (v.body === undefined || typeof v.body === 'string');
  if (!ok) throw new Error('malformed request');
  return v as FetchRequest;
}

function readInstallCall(args: string): InstallCall {
  const v = JSON.parse(args) as Partial<InstallCall>;
  const ok =
    Array.isArray(v.requirements) &&
    v.requirements.length > 0 &&
    v.requirements.length <= MAX_INSTALL_REQUIREMENTS &&
    v.requirements.every((r) => typeof r === 'string' && r.trim() !== '' && r.length <= MAX_REQUIREMENT_LENGTH);
  if (!ok) throw new Error(`malformed install request (1 to ${MAX_INSTALL_REQUIREMENTS} requirements of at most ${MAX_REQUIREMENT_LENGTH} characters)`);
  return { requirements: v.requirements!.map((r) => r.trim()) };
}

/** The project a requirement names (PEP 503 normalized), or undefined when it names none. */
export function requirementProject(requirement: string): string | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[[(;<>=~@\s,]|!=)/.exec(requirement);
  return m ? normalizeName(m[1]!) : undefined;
}

/**
 * Counts bytes against a limit; `take` throws the limit's error once they pass it. Held by one
 * install (its wheels) or one engine (every wheel it was given).
 */
export class ByteBudget {
  private used = 0;
  constructor(
    private readonly max: number,
    private readonly tooMuch: (max: number) => Error,
  ) {}

  take(bytes: number): void {
    this.used += bytes;
    if (this.used > this.max) throw this.tooMuch(this.max);
  }

  get bytes(): number {
    return this.used;
  }
}

/** The gate of one sandbox. */
export class EgressGate {
  private run: ActiveRun | undefined;

  constructor(private readonly o: EgressGateOptions) {}

  /** Opens the gate for run `runSeq`: its counts start at zero. Host calls of any other run are refused. */
  beginRun(runSeq: number): ActiveRun {
    this.run = { runSeq, ended: new AbortController(), requests: 0, installs: 0, projects: 0 };
    return this.run;
  }

  /** Closes the gate behind a run: its tools, requests and installs are told to stop. */
  endRun(run: ActiveRun): void {
    if (this.run === run) this.run = undefined;
    run.ended.abort(new Error('the run ended'));
  }

  /** The run in progress, if it is `runSeq`. */
  current(runSeq: number): ActiveRun | undefined {
    return this.run?.runSeq === runSeq ? this.run : undefined;
  }

  /** Answers a host call (already checked for size and count by the frame). */
  async hostCall(call: HostCall): Promise<string> {
    const run = this.current(call.runSeq);
    if (!run) throw new Error('the host can only be asked while the run is going on');
    return call.kind === 'tool' ? this.tool(call, run) : call.kind === 'fetch' ? this.request(call, run) : this.installCall(call, run);
  }

  private async tool(call: HostCall, run: ActiveRun): Promise<string> {
    const started = performance.now();
    const report = (ok: boolean, error?: string) =>
      this.o.emit({ type: 'tool-call', runSeq: call.runSeq, name: call.name, durationMs: Math.round(performance.now() - started), ok, ...(error ? { error } : {}) });
    try {
      const fn = this.o.tools.get(call.name);
      if (!fn) throw new Error(`no tool named "${call.name}"`);
      const value = await fn(JSON.parse(call.args) as unknown, { signal: run.ended.signal });
      const json = JSON.stringify(value === undefined ? null : value) as string | undefined;
      if (json === undefined) throw new Error(`tool "${call.name}" returned no plain data`);
      if (!fitsUtf8(json, this.o.maxValueBytes)) throw new Error(`tool "${call.name}" returned more than ${this.o.maxValueBytes} bytes`);
      report(true);
      return json;
    } catch (error) {
      report(false, message(error));
      throw new Error(message(error));
    }
  }

  private async request(call: HostCall, run: ActiveRun): Promise<string> {
    let req: FetchRequest = { url: '', method: '', headers: [] };
    const report = (allowed: boolean, status?: number, error?: string) =>
      this.o.emit({ type: 'network', runSeq: call.runSeq, url: req.url.slice(0, 2000), method: req.method.slice(0, 20), allowed, ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}) });
    const refuse = (reason: string) => {
      report(false, undefined, reason);
      return new Error(`network policy: ${reason}`);
    };
    try {
      req = readFetchRequest(call.args);
    } catch (error) {
      throw refuse(message(error));
    }
    const policy = this.o.network;
    if (!policy || !policy.allows(req.url)) throw refuse(policy ? `${req.url.slice(0, 200)} is not in the sandbox's network allowlist` : 'this sandbox has no network access');
    if (++run.requests > policy.limits.maxRequests) throw refuse(`more than ${policy.limits.maxRequests} requests in one run`);
    try {
      const response = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: fromBase64(req.body) as BodyInit } : {}),
        // Never the user's cookies or auth; never a redirect to somewhere the allowlist did not name.
        credentials: 'omit',
        redirect: 'error',
        referrerPolicy: 'no-referrer',
        cache: 'no-store',
        signal: AbortSignal.any([run.ended.signal, AbortSignal.timeout(policy.limits.timeoutMs)]),
      });
      const max = policy.limits.maxResponseBytes;
      const body = await readBody(response, { max, tooLarge: () => new Error(`network policy: the response is larger than ${max} bytes`) });
      report(true, response.status);
      const answer: FetchResponse = { url: response.url, status: response.status, statusText: response.statusText, headers: [...response.headers], body: toBase64(body) };
      return JSON.stringify(answer);
    } catch (error) {
      const reason = error instanceof DOMException && error.name === 'TimeoutError' ? `no answer within ${policy.limits.timeoutMs} ms` : message(error);
      report(true, undefined, reason);
      throw new Error(`fetch ${req.url.slice(0, 200)} failed: ${reason}`);
    }
  }

  private async installCall(call: HostCall, run: ActiveRun): Promise<string> {
    if (!this.o.install) {
      const reason = 'this sandbox does not let code install packages (the app can allow it with the micropip option)';
      this.auditInstall('micropip', [], { allowed: false, error: reason }, run.runSeq);
      throw new Error(reason);
    }
    let requirements: string[];
    try {
      requirements = readInstallCall(call.args).requirements;
    } catch (error) {
      this.auditInstall('micropip', [], { allowed: false, error: message(error) }, run.runSeq);
      throw new Error(message(error));
    }
    try {
      return JSON.stringify(await this.o.install(requirements, run));
    } catch (error) {
      throw new Error(message(error));
    }
  }

  /**
   * Decides an install that guest code caused, before anything is fetched: whether the app lets
   * code install each project it names, and whether the run has install requests left. Answers
   * what may be installed. A micropip request is refused whole when any of it is (PackageError,
   * which the guest sees); autoInstall goes on with what is allowed (the rest is left to the run,
   * which meets a ModuleNotFoundError). Refusals are audited. An install of the app's own
   * (`packages`, `installPackages`) is not a guest's and is not asked about.
   *
   * The rule: with `allowPackages`, exactly the projects it accepts. Without it, autoInstall may
   * install what the code imports (only distribution packages, named literally in the code, can
   * be), and micropip may install anything only when the app granted network access: with
   * `network: 'none'` a package name would be the guest's only way to reach a server.
   */
  admitGuestInstall(reason: 'micropip' | 'imports', requested: string[], run: ActiveRun): string[] {
    const refuse = (names: string[], why: string) => {
      this.auditInstall(reason, names, { allowed: false, error: why }, run.runSeq);
      return new PackageError(why);
    };
    if (this.current(run.runSeq) !== run) throw refuse(requested, 'the run has ended');
    const { maxInstallsPerRun } = this.o.packageLimits;
    if (++run.installs > maxInstallsPerRun) throw refuse(requested, `more than ${maxInstallsPerRun} install requests in one run (packageLimits.maxInstallsPerRun)`);
    const refused = requested.map((r) => [r, this.installRefusal(reason, r)] as const).filter(([, why]) => why !== undefined);
    if (refused.length === 0) return requested;
    const error = refuse(refused.map(([r]) => r), refused[0]![1]!);
    if (reason === 'micropip') throw error;
    return requested.filter((r) => !refused.some(([name]) => name === r));
  }

  /** Why guest code may not install `requirement`, or undefined when it may. */
  private installRefusal(reason: 'micropip' | 'imports', requirement: string): string | undefined {
    const shown = requirement.slice(0, MAX_AUDITED_NAME);
    // A URL would have the page fetch whatever the guest names.
    if (isWheelUrl(requirement)) return `${shown}: code can install only by requirement (a name, e.g. "tabulate>=0.9"), not by URL`;
    const project = requirementProject(requirement);
    if (project === undefined) return `${shown}: not a requirement (a project name, e.g. "tabulate>=0.9")`;
    const allow = this.o.allowPackages;
    if (allow) return allow(project) ? undefined : `${shown}: not among the packages this sandbox lets code install (allowPackages)`;
    if (reason === 'micropip' && !this.o.network) {
      return `${shown}: this sandbox has no network access, so code may install only packages the app names in allowPackages (it names none)`;
    }
    return undefined;
  }

  /**
   * Counts the projects an admitted guest install brings that the engine lacks (dependencies
   * included) against the run's cap: why it is refused past it, or undefined. The caller audits it.
   */
  projectsRefusal(newProjects: number, run: ActiveRun): string | undefined {
    const { maxProjectsPerRun } = this.o.packageLimits;
    if (run.projects + newProjects <= maxProjectsPerRun) {
      run.projects += newProjects;
      return undefined;
    }
    return `the installs of one run would bring more than ${maxProjectsPerRun} new projects (packageLimits.maxProjectsPerRun): refused`;
  }

  /** How many more new projects the run's installs may bring. */
  projectsLeft(run: ActiveRun): number {
    return Math.max(0, this.o.packageLimits.maxProjectsPerRun - run.projects);
  }

  /** The byte budget of one install's wheels (`packageLimits.maxInstallBytes`). */
  installBudget(): ByteBudget {
    return new ByteBudget(this.o.packageLimits.maxInstallBytes, (max) => new PackageError(`the install's wheels are larger than ${max} bytes (packageLimits.maxInstallBytes); refused`));
  }

  /** The byte budget of every wheel one engine is given (`packageLimits.maxTotalBytes`). */
  engineBudget(): ByteBudget {
    return new ByteBudget(this.o.packageLimits.maxTotalBytes, (max) => new PackageError(`this engine's packages would pass ${max} bytes of wheels (packageLimits.maxTotalBytes); refused`));
  }

  /** Reports one install request, whoever caused it: refused, failed, or done. */
  auditInstall(
    reason: InstallReason,
    requested: string[],
    outcome: { allowed: false; error: string } | { allowed: true; ok: false; error: string } | { allowed: true; ok: true; projects: number; bytes: number },
    runSeq?: number,
  ): void {
    const names = requested.slice(0, MAX_INSTALL_REQUIREMENTS).map((r) => r.slice(0, MAX_AUDITED_NAME));
    const error = 'error' in outcome ? { error: outcome.error.slice(0, 2000) } : {};
    this.o.emit({ type: 'package-request', reason, requested: names, ...outcome, ...error, ...(runSeq !== undefined && { runSeq }) });
  }
}
