/**
 * The API the frame exposes to the host (over Comlink): each call is relayed to the worker through
 * the {@link WorkerLink}, and each answer is checked and capped before it goes back. The run in
 * progress has a {@link RunGuard} that owns its output and host calls, and ends its stream on the
 * events port with the report. Shared memory for interrupts
 * is created here, where the guest cannot reach it, and only ever written here.
 */
import * as Comlink from 'comlink';
import { isFsResult, isHostReply, isModuleList, isRecord, type EngineConfig, type FrameApi, type FrameEvent, type FsRequest, type FsResult, type HostReply, type InstallRequest, type RunRequest, type SessionLimits, type StartReport } from '../shared/protocol.js';
import type { FromWorker } from '../shared/worker-protocol.js';
import { cutUtf8 } from '../shared/utf8.js';
import { MESSAGES_PER_RUN } from './message-budget.js';
import { RunGuard } from './run-guard.js';
import { WorkerEndedError, WorkerLink } from './worker-link.js';

/** The most names one folder listing hands the host (a listing of millions would block the page's thread for seconds). */
export const MAX_LISTING_ENTRIES = 100_000;

/** Shared memory for interrupts, when this frame can have it (cross-origin isolated, and supported). */
function sharedInterrupt(): SharedArrayBuffer | undefined {
  // Feature-detected, not inferred: WebKitGTK reports crossOriginIsolated yet has no SharedArrayBuffer.
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer !== 'function') return undefined;
  try {
    return new SharedArrayBuffer(8);
  } catch {
    return undefined;
  }
}

/** The frame's side of one sandbox session. */
export class SandboxFrame implements FrameApi {
  private readonly link: WorkerLink;
  private readonly slot: Int32Array | undefined;
  private limits: SessionLimits | undefined;
  private current: RunGuard | undefined;

  /** Starts the worker. Throws when the browser refuses to start it. */
  constructor(workerSource: string, files: Record<string, ArrayBuffer>, private readonly emit: (event: FrameEvent) => void) {
    const interrupt = sharedInterrupt();
    this.slot = interrupt && new Int32Array(interrupt);
    this.link = new WorkerLink(workerSource, files, interrupt, {
      onOutput: (message) => this.onOutput(message),
      onHostCall: (message) => this.onHostCall(message),
      onDropped: (count, reason) => emit({ type: 'dropped', count, reason }),
      // During a run its report says why; otherwise the host hears it here.
      onEnded: (error) => {
        if (!this.current) emit({ type: 'worker-ended', message: error.message, ...(error.limit && { limit: error.limit }) });
      },
    });
  }

  /** True when runs can be interrupted through shared memory. */
  get sharedInterrupt(): boolean {
    return this.slot !== undefined;
  }

  async start(config: EngineConfig): Promise<StartReport> {
    const { limits, ...workerConfig } = config;
    this.limits = limits;
    const report = await this.link.call('start', workerConfig);
    if (!isRecord(report) || typeof report.fromSnapshot !== 'boolean') throw this.broken('start');
    return { fromSnapshot: report.fromSnapshot };
  }

  async takeSnapshot(): Promise<Uint8Array> {
    const snapshot = await this.link.call('takeSnapshot', undefined);
    if (!(snapshot instanceof Uint8Array)) throw this.broken('takeSnapshot');
    return Comlink.transfer(snapshot, [snapshot.buffer]);
  }

  run(request: RunRequest): void {
    if (!this.limits) throw new Error('the engine has not been started');
    if (this.current) throw new Error('a run is already going on');
    const guard = new RunGuard(request, this.limits, this.emit);
    this.current = guard;
    this.link.runMessagesLeft = MESSAGES_PER_RUN;
    void this.link
      .call('run', request)
      .then(
        (reply) => {
          try {
            return guard.report(reply);
          } catch (error) {
            const ended = new WorkerEndedError(`the worker sent a malformed run result (${(error as Error).message}): it was stopped`);
            this.link.end(ended);
            return guard.failed(ended.message, undefined, 'bridge');
          }
        },
        (error: unknown) =>
          error instanceof WorkerEndedError ? guard.failed(error.message, error.limit) : guard.failed(`the worker could not run the code: ${cutUtf8(String((error as Error)?.message ?? error), 2000)}`, undefined, 'engine'),
      )
      .then((report) => {
        this.current = undefined;
        this.link.runMessagesLeft = undefined;
        guard.dispose();
        // The last message of the run's stream: its output went before it on the same port.
        this.emit({ type: 'run-ended', report });
      });
  }

  cancel(runSeq: number): void {
    this.link.send({ type: 'cancel', runSeq });
  }

  interrupt(runSeq: number): void {
    if (!this.slot || typeof runSeq !== 'number') return;
    Atomics.store(this.slot, 0, runSeq); // QuickJS's interrupt handler compares this
    Atomics.store(this.slot, 1, 2); // Pyodide's interrupt buffer: SIGINT
  }

  answer(reply: HostReply): void {
    // Only an open call of the run in progress: a late answer never reaches the next run.
    if (!isHostReply(reply) || !this.current?.openCalls.delete(reply.callId)) return;
    this.link.send({ type: 'host-reply', ...reply });
  }

  async reset(): Promise<void> {
    if ((await this.link.call('reset', undefined)) !== undefined) throw this.broken('reset');
  }

  async fs(request: FsRequest): Promise<FsResult> {
    const transfer = request.op === 'writeFile' ? [request.data.buffer as ArrayBuffer] : [];
    const result = await this.link.call('fs', request, transfer);
    if (!isFsResult(result)) throw this.broken('fs');
    if (!result.ok) return { ok: false, errno: result.errno.slice(0, 20), message: cutUtf8(result.message, 2000) };
    const max = this.limits?.maxFileBytes ?? 0;
    if (result.data instanceof Uint8Array) {
      if (result.data.byteLength > max) return { ok: false, errno: 'EFBIG', message: `${request.op} ${request.path}: the file is larger than the sandbox's ${max}-byte limit (maxFileBytes)` };
      return Comlink.transfer({ ok: true, data: result.data }, [result.data.buffer]);
    }
    if (Array.isArray(result.data)) {
      // By count first: the host's work on a listing grows with its names, whatever their size.
      if (result.data.length > MAX_LISTING_ENTRIES) return { ok: false, errno: 'E2BIG', message: `${request.op} ${request.path}: the folder holds more than ${MAX_LISTING_ENTRIES} entries, the most a listing hands back` };
      const size = result.data.reduce((n, name) => n + name.length + 1, 0);
      if (size > max) return { ok: false, errno: 'EFBIG', message: `${request.op} ${request.path}: the listing is larger than ${max} bytes` };
      return { ok: true, data: result.data };
    }
    return { ok: true };
  }

  async installPackages(request: InstallRequest): Promise<string | null> {
    const result = await this.link.call('installPackages', request, Object.values(request.files));
    if (result !== null && typeof result !== 'string') throw this.broken('installPackages');
    return result === null ? null : cutUtf8(result, 4000);
  }

  async findImports(code: string): Promise<string[]> {
    const result = await this.link.call('findImports', code);
    if (!isModuleList(result)) throw this.broken('findImports');
    return result;
  }

  private onOutput(message: Extract<FromWorker, { type: 'output' }>): void {
    const run = this.current;
    if (run?.runSeq === message.runSeq) run.write(message.stream, message.text);
    else this.emit({ type: 'dropped', count: 1, reason: 'output outside its run' });
  }

  private onHostCall(message: Extract<FromWorker, { type: 'host-call' }>): void {
    const { callId, runSeq, kind, name, args } = message;
    const run = this.current;
    if (run?.runSeq !== runSeq) {
      this.link.send({ type: 'host-reply', callId, ok: false, error: 'the host can only be asked while the run is going on' });
      return;
    }
    const refusal = run.admitHostCall({ callId, runSeq, kind, name, args });
    if (refusal) this.link.send({ type: 'host-reply', callId, ok: false, error: refusal });
    else this.emit({ type: 'host-call', callId, runSeq, kind, name, args });
  }

  /** Ends a worker that answered a call with something that is not its answer. */
  private broken(method: string): WorkerEndedError {
    const error = new WorkerEndedError(`the worker answered ${method} with something malformed: it was stopped`);
    this.link.end(error);
    return error;
  }
}
