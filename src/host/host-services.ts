/**
 * What the host grants a guest on request, during a run: calls to the app's tools, network
 * requests to allowed origins, performed by the host page (the frame itself can reach nothing),
 * and, where the app allows it, package installs (`micropip.install`).
 * Everything arrives as JSON text and is parsed and checked here; every call is reported as an
 * event. Answers resolve with JSON; refusals reject with the message the guest sees.
 */
import { fromBase64, toBase64 } from '../shared/base64.js';
import type { SandboxEventInput } from '../shared/events.js';
import type { FetchRequest, FetchResponse, HostCall, InstallCall } from '../shared/protocol.js';
import { fitsUtf8 } from '../shared/utf8.js';
import type { Tool } from '../shared/types.js';
import type { NetworkPolicy } from './network-policy.js';
import { readBody } from './read-body.js';

/** The run a call belongs to: its number, its end, and how many requests it made. */
export interface ActiveRun {
  runSeq: number;
  ended: AbortController;
  requests: number;
}

export interface HostServicesOptions {
  tools: ReadonlyMap<string, Tool>;
  network: NetworkPolicy | undefined;
  maxValueBytes: number;
  /**
   * Installs what a guest's `micropip.install` asks for (checked requirements), answering what was
   * installed; undefined when the app did not allow it.
   */
  install: ((requirements: string[], run: ActiveRun) => Promise<string[]>) | undefined;
  activeRun(): ActiveRun | undefined;
  emit(event: SandboxEventInput): void;
}

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

/** Most requirements one install call may name, and the longest one. */
const MAX_INSTALL_REQUIREMENTS = 100;
const MAX_REQUIREMENT_LENGTH = 500;

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

/** Creates the handler for a sandbox's host calls. */
export function createHostServices(o: HostServicesOptions): (call: HostCall) => Promise<string> {
  async function tool(call: HostCall, run: ActiveRun): Promise<string> {
    const started = performance.now();
    const report = (ok: boolean, error?: string) =>
      o.emit({ type: 'tool-call', runSeq: call.runSeq, name: call.name, durationMs: Math.round(performance.now() - started), ok, ...(error ? { error } : {}) });
    try {
      const fn = o.tools.get(call.name);
      if (!fn) throw new Error(`no tool named "${call.name}"`);
      const value = await fn(JSON.parse(call.args) as unknown, { signal: run.ended.signal });
      const json = JSON.stringify(value === undefined ? null : value) as string | undefined;
      if (json === undefined) throw new Error(`tool "${call.name}" returned no plain data`);
      if (!fitsUtf8(json, o.maxValueBytes)) throw new Error(`tool "${call.name}" returned more than ${o.maxValueBytes} bytes`);
      report(true);
      return json;
    } catch (error) {
      report(false, message(error));
      throw new Error(message(error));
    }
  }

  async function request(call: HostCall, run: ActiveRun): Promise<string> {
    let req: FetchRequest = { url: '', method: '', headers: [] };
    const report = (allowed: boolean, status?: number, error?: string) =>
      o.emit({ type: 'network', runSeq: call.runSeq, url: req.url.slice(0, 2000), method: req.method, allowed, ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}) });
    try {
      req = readFetchRequest(call.args);
    } catch (error) {
      report(false, undefined, message(error));
      throw new Error(`network policy: ${message(error)}`);
    }
    const policy = o.network;
    if (!policy || !policy.allows(req.url)) {
      const reason = policy ? `${req.url.slice(0, 200)} is not in the sandbox's network allowlist` : 'this sandbox has no network access';
      report(false, undefined, reason);
      throw new Error(`network policy: ${reason}`);
    }
    if (++run.requests > policy.limits.maxRequests) {
      const reason = `more than ${policy.limits.maxRequests} requests in one run`;
      report(false, undefined, reason);
      throw new Error(`network policy: ${reason}`);
    }
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

  async function install(call: HostCall, run: ActiveRun): Promise<string> {
    if (!o.install) throw new Error('this sandbox does not let code install packages (the app can allow it with the micropip option)');
    try {
      return JSON.stringify(await o.install(readInstallCall(call.args).requirements, run));
    } catch (error) {
      throw new Error(message(error));
    }
  }

  return async (call) => {
    const run = o.activeRun();
    if (!run || run.runSeq !== call.runSeq) throw new Error('the host can only be asked while the run is going on');
    return call.kind === 'tool' ? tool(call, run) : call.kind === 'fetch' ? request(call, run) : install(call, run);
  };
}
