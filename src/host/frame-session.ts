/**
 * One sandboxed iframe, the worker inside it and the engine in the worker: started together,
 * stopped together. The host calls the frame's API over Comlink and hears the frame's events on a
 * second port, where each run streams its output, host calls and report in order; it exposes
 * nothing. Disposing of a session removes the iframe, which ends the worker whatever it is doing:
 * that is the authoritative stop behind every cooperative one.
 */
import * as Comlink from 'comlink';
import { DISPOSE } from '../shared/dispose.js';
import { SandboxStartError } from '../shared/errors.js';
import { cutUtf8 } from '../shared/utf8.js';
import type { LimitName } from '../shared/events.js';
import {
  isFrameEvent,
  isFsResult,
  isModuleList,
  PROTOCOL,
  WORKER_ENDED_ERROR,
  readRunReport,
  type EngineConfig,
  type EngineFiles,
  type FrameApi,
  type FrameEvent,
  type FrameInit,
  type FsRequest,
  type FsResult,
  type HostCall,
  type InstallRequest,
  type RunReport,
  type RunRequest,
} from '../shared/protocol.js';
import type { EngineAssets } from './assets.js';
import { alteredFrameError, frameLoadHint, sandboxIframe, withTimeout } from './frame-start.js';

/**
 * How long loading the frame, and then the engine, may each take before start-up fails. Pyodide
 * takes 3–4 s alone on a 2-core machine, several times that when other sandboxes start at once.
 */
const START_TIMEOUT_MS = 60_000;
/** How long frame.htm may take to load (one small document). */
const FRAME_LOAD_TIMEOUT_MS = 20_000;
/** How long a loaded frame may take to answer; it only has to run one small inline script. */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/**
 * A frame that has not answered by then is fetched once and checked against the build, so an
 * altered frame (its inline script no longer matching its CSP: it never answers) fails in seconds
 * with an error that says so, not at the handshake's timeout.
 */
const ALTERATION_CHECK_MS = 2_000;

/** The longest account of a worker's end the host takes from the frame (its own words, and at most 200 bytes of the worker's). */
const MAX_FRAME_MESSAGE_BYTES = 1000;

/** Why a session ended: disposed by its owner, or its worker died (or was stopped by the frame). */
export type EndReason = { kind: 'disposed' } | { kind: 'crashed'; message: string; limit?: LimitName };

/** Thrown by the session's calls when it ends before they return. */
export class SessionEndedError extends Error {
  constructor(readonly reason: EndReason) {
    super(reason.kind === 'crashed' ? `the sandbox worker ended: ${reason.message}` : 'the sandbox was stopped');
    this.name = 'SessionEndedError';
  }
}

/** A short, safe description of a dropped message (its type tag, never its content). */
function describeMessage(v: unknown): string {
  if (typeof v !== 'object' || v === null) return `a ${v === null ? 'null' : typeof v}`;
  const type = (v as { type?: unknown }).type;
  return typeof type === 'string' ? `type ${JSON.stringify(type.slice(0, 40))} with unexpected fields` : 'an object without a type';
}

/** A running frame + worker + engine. Owned by one sandbox; `dispose()` ends it. */
export class FrameSession {
  /** Receives output chunks of every run; the owner filters by run number. */
  onOutput: ((message: Extract<FrameEvent, { type: 'output' }>) => void) | undefined;
  /** Hears about messages that failed validation and were dropped (summarized by the frame). */
  onDropped: ((channel: 'worker' | 'frame', count: number, reason: string) => void) | undefined;
  /** Answers the guest's host calls: resolves with the answer's JSON, rejects with the error to report. */
  onHostCall: ((call: HostCall) => Promise<string>) | undefined;
  /** Settles once, when the session ends for any reason. */
  readonly ended: Promise<EndReason>;
  /** True when runs can be interrupted through shared memory (cross-origin isolated pages). */
  sharedInterrupt = false;
  /** True when the engine was restored from a memory snapshot. */
  fromSnapshot = false;

  private endWith!: (reason: EndReason) => void;
  private isEnded = false;
  private readonly events = new MessageChannel();
  private readonly rpc = new MessageChannel();
  private readonly remote: Comlink.Remote<FrameApi>;
  private onReady: ((event: FrameEvent) => void) | undefined;
  /** The run in progress, until its `run-ended` arrives. */
  private running: { runSeq: number; reported(report: RunReport): void } | undefined;

  private constructor(private readonly iframe: HTMLIFrameElement) {
    this.ended = new Promise((resolve) => (this.endWith = resolve));
    // Comlink owns this port alone; the frame's events come on the other.
    this.remote = Comlink.wrap<FrameApi>(this.rpc.port1);
    this.events.port1.addEventListener('message', (event) => this.receive(event.data));
    this.events.port1.start();
  }

  private receive(data: unknown): void {
    if (!isFrameEvent(data)) {
      this.onDropped?.('frame', 1, describeMessage(data));
      return;
    }
    switch (data.type) {
      case 'frame-ready':
        return this.onReady?.(data);
      case 'output':
        return this.onOutput?.(data);
      case 'host-call':
        return this.answerHostCall(data);
      case 'run-ended':
        return this.runEnded(data.report);
      case 'dropped':
        return this.onDropped?.('worker', data.count, data.reason);
      case 'worker-ended':
        this.onReady?.(data);
        return this.end({ kind: 'crashed', message: cutUtf8(data.message, MAX_FRAME_MESSAGE_BYTES), ...(data.limit && { limit: data.limit }) });
    }
  }

  /**
   * Creates the iframe, hands it the worker and engine (and `extraFiles`, such as a snapshot),
   * and waits until the engine can run code. Throws `SandboxStartError`; on failure nothing is
   * left in the page.
   */
  static async start(assets: EngineAssets, config: EngineConfig, extraFiles: EngineFiles = {}): Promise<FrameSession> {
    const iframe = sandboxIframe(assets.frameUrl);
    const session = new FrameSession(iframe);
    try {
      const loaded = new Promise<void>((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
      (document.body ?? document.documentElement).append(iframe);
      await withTimeout(loaded, FRAME_LOAD_TIMEOUT_MS, `the sandbox frame did not load from ${assets.frameUrl}${frameLoadHint()}`);
      await withTimeout(
        Promise.race([session.handshake(assets, extraFiles), session.unlessAltered(assets.frameUrl)]),
        HANDSHAKE_TIMEOUT_MS,
        `the sandbox frame at ${assets.frameUrl} did not answer: is it served from the assets folder, allowed by the page's frame-src, and not given a stricter CSP by the server?`,
      );
      const report = await withTimeout(session.whileAlive(session.remote.start(config)), START_TIMEOUT_MS, 'the sandbox engine did not start in time');
      session.fromSnapshot = report?.fromSnapshot === true;
      return session;
    } catch (error) {
      session.dispose();
      if (error instanceof SandboxStartError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new SandboxStartError(`the sandbox could not start: ${message}`, { cause: error });
    }
  }

  /** Rejects with the named error if the frame has not answered within {@link ALTERATION_CHECK_MS} and is not the one the build made; else never settles. */
  private async unlessAltered(frameUrl: string): Promise<never> {
    await new Promise((resolve) => setTimeout(resolve, ALTERATION_CHECK_MS));
    const altered = this.onReady && !this.isEnded ? await alteredFrameError(frameUrl) : undefined;
    if (altered) throw altered;
    return new Promise<never>(() => {});
  }

  private handshake(assets: EngineAssets, extraFiles: EngineFiles): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      this.onReady = (event) => {
        this.onReady = undefined;
        if (event.type === 'frame-ready') {
          this.sharedInterrupt = event.sharedInterrupt;
          resolve();
        } else if (event.type === 'worker-ended') reject(new SandboxStartError(`the sandbox worker failed to start: ${event.message}`));
      };
    });
    // Copies: the page keeps its cached bytes for the next sandbox or restart.
    const files = Object.fromEntries(Object.entries({ ...assets.files, ...extraFiles }).map(([name, bytes]) => [name, bytes.slice(0)]));
    const init: FrameInit = { protocol: PROTOCOL, type: 'init', workerSource: assets.workerSource, files, rpc: this.rpc.port2, events: this.events.port2 };
    // The frame's origin is opaque ("null"), so "*" is the only target origin that reaches it;
    // the message goes to this one window, and the frame accepts it only from its parent.
    this.iframe.contentWindow?.postMessage(init, '*', [this.rpc.port2, this.events.port2, ...Object.values(files)]);
    return ready;
  }

  private answerHostCall(call: HostCall): void {
    const answer = this.onHostCall?.(call) ?? Promise.reject(new Error('tools are not available'));
    answer.then(
      (value) => !this.isEnded && void this.remote.answer({ callId: call.callId, ok: true, value }).catch(() => {}),
      (error: unknown) => !this.isEnded && void this.remote.answer({ callId: call.callId, ok: false, error: error instanceof Error ? error.message : String(error) }).catch(() => {}),
    );
  }

  /**
   * Python: the top-level modules `code` imports. Rejects with {@link SessionEndedError} if the
   * session ends first, or if the frame stopped the worker while it answered (a malformed answer).
   */
  async findImports(code: string): Promise<string[]> {
    const result: unknown = await this.untilWorkerEnds<unknown>(this.remote.findImports(code));
    if (!isModuleList(result)) throw this.crash('the frame sent a malformed import list');
    return result;
  }

  /**
   * Runs code: resolves with the report that ends the run's stream (its output came before it, to
   * {@link onOutput}); rejects with {@link SessionEndedError} if the session ends first.
   */
  run(request: RunRequest): Promise<RunReport> {
    if (this.running) return Promise.reject(new Error('a run is already going on in this session'));
    const reported = new Promise<RunReport>((resolve) => (this.running = { runSeq: request.runSeq, reported: resolve }));
    this.remote.run(request).catch((error: unknown) => this.crash(`the frame refused the run (${error instanceof Error ? error.message : String(error)})`));
    return this.whileAlive(reported).finally(() => (this.running = undefined));
  }

  private runEnded(data: unknown): void {
    const report = readRunReport(data);
    if (!report || report.runSeq !== this.running?.runSeq) {
      this.crash('the frame sent a malformed run report');
      return;
    }
    this.running.reported(report);
  }

  /** One file operation; rejects with {@link SessionEndedError} if the session ends first. */
  async fs(request: FsRequest): Promise<FsResult> {
    const message = request.op === 'writeFile' ? Comlink.transfer(request, [request.data.buffer]) : request;
    const result: unknown = await this.whileAlive<unknown>(this.remote.fs(message));
    if (!isFsResult(result)) throw this.crash('the frame sent a malformed file result');
    return result;
  }

  /**
   * Installs packages from fetched wheels: null, or the engine's error message. Rejects with
   * {@link SessionEndedError} as {@link findImports} does.
   */
  async installPackages(request: InstallRequest): Promise<string | null> {
    const transfer = Comlink.transfer(request, Object.values(request.files));
    const result: unknown = await this.untilWorkerEnds<unknown>(this.remote.installPackages(transfer));
    if (result !== null && typeof result !== 'string') throw this.crash('the frame sent a malformed install result');
    return result;
  }

  /** JavaScript: fresh globals in a fresh runtime. Rejects with {@link SessionEndedError} if the session ends first. */
  reset(): Promise<void> {
    return this.whileAlive(this.remote.reset());
  }

  /** Asks the run to stop: effective when the worker is free, i.e. the run is waiting. */
  cancel(runSeq: number): void {
    if (!this.isEnded) this.remote.cancel(runSeq).catch(() => {});
  }

  /**
   * Stops the run through shared memory, which works even while the worker is busy (only when
   * {@link sharedInterrupt}). Send it only after `cancel` had a moment to work: a SIGINT that
   * reaches Pyodide after the run already stopped would hit its event loop instead.
   */
  interruptShared(runSeq: number): void {
    if (!this.isEnded && this.sharedInterrupt) this.remote.interrupt(runSeq).catch(() => {});
  }

  /** The memory snapshot of a session started with `snapshot: 'make'`. */
  async takeSnapshot(): Promise<ArrayBuffer> {
    const snapshot: unknown = await this.whileAlive(this.remote.takeSnapshot());
    if (!(snapshot instanceof Uint8Array)) throw new Error('the frame answered with something that is not a snapshot');
    return snapshot.byteOffset === 0 && snapshot.byteLength === snapshot.buffer.byteLength ? (snapshot.buffer as ArrayBuffer) : snapshot.slice().buffer;
  }

  /** Removes the iframe (ending the worker) and closes the ports. Idempotent. */
  dispose(): void {
    this.end({ kind: 'disposed' });
  }

  [DISPOSE](): void {
    this.dispose();
  }

  private crash(message: string): SessionEndedError {
    const reason: EndReason = { kind: 'crashed', message };
    this.end(reason);
    return new SessionEndedError(reason);
  }

  private end(reason: EndReason): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.iframe.remove();
    this.rpc.port1.close();
    this.events.port1.close();
    this.endWith(reason);
  }

  get alive(): boolean {
    return !this.isEnded;
  }

  /**
   * {@link whileAlive}, and a rejection that says the frame stopped its worker ends the session
   * here: it can overtake the frame's worker-ended event (the two ports are not ordered; WebKit).
   */
  private async untilWorkerEnds<T>(promise: Promise<T>): Promise<T> {
    try {
      return await this.whileAlive(promise);
    } catch (error) {
      if ((error as Error | undefined)?.name === WORKER_ENDED_ERROR) throw this.crash(cutUtf8((error as Error).message, MAX_FRAME_MESSAGE_BYTES));
      throw error;
    }
  }

  private whileAlive<T>(promise: Promise<T>): Promise<T> {
    if (this.isEnded) return Promise.reject(new SessionEndedError({ kind: 'disposed' }));
    return Promise.race([promise, this.ended.then((r) => Promise.reject(new SessionEndedError(r)))]);
  }
}
