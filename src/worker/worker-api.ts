/**
 * The worker's methods, as the frame calls them. It owns the engine, keeps runs one at a time, and
 * turns anything an engine throws during a run into a `failed` outcome rather than a dead call.
 */
import type { FsRequest, FsResult, InstallRequest, RunRequest } from '../shared/protocol.js';
import type { FromWorker, WorkerConfig, WorkerRunReply } from '../shared/worker-protocol.js';
import type { EngineFiles } from '../shared/protocol.js';
import type { Engine, EngineFactory, RunContext } from './engine.js';
import { OutputBatcher } from '../shared/output-batcher.js';
import type { HostCalls } from './host-calls.js';
import { runError } from '../shared/run-errors.js';

/**
 * Run once at start, through the whole run path, so the first real run does not pay for the
 * compilation of that path (about 10 ms for QuickJS in a fresh worker). Defines no globals.
 */
const WARM_UP = { javascript: '[1, "a", { b: 2 }].length', python: '[1, "a", {"b": 2}]' } as const;

/** What the worker can be asked, besides cancelling. */
export interface WorkerApi {
  start(config: WorkerConfig): Promise<{ fromSnapshot: boolean }>;
  takeSnapshot(): Promise<Uint8Array>;
  run(request: RunRequest): Promise<WorkerRunReply>;
  reset(): Promise<undefined>;
  fs(request: FsRequest): Promise<FsResult>;
  installPackages(request: InstallRequest): Promise<string | null>;
  findImports(code: string): Promise<string[]>;
  /** Asks the run to stop at its next chance (effective while it waits on timers or promises). */
  cancel(runSeq: number): void;
}

/** Creates the worker's API; `post` sends output and host calls to the frame. */
export function createWorkerApi(
  createEngine: EngineFactory,
  files: EngineFiles,
  interrupt: SharedArrayBuffer | undefined,
  post: (message: Extract<FromWorker, { type: 'output' }>) => void,
  hostCalls: HostCalls,
): WorkerApi {
  let engine: Engine | undefined;
  let current: { runSeq: number; cancel(): void } | undefined;
  // A cancel can overtake its run (both are messages); remember it until that run starts.
  let cancelledBeforeStart = -1;

  const requireEngine = (): Engine => {
    if (!engine) throw new Error('the engine has not been started');
    return engine;
  };

  const api: WorkerApi = {
    async start(config) {
      if (engine) throw new Error('the engine was already started');
      engine = await createEngine({ files, config, interrupt });
      if (config.snapshot !== 'make') await api.run({ runSeq: 0, code: WARM_UP[config.language], timeoutMs: 10_000, maxOutputBytes: 0, maxValueBytes: 4096 });
      return { fromSnapshot: engine.fromSnapshot === true };
    },

    async takeSnapshot() {
      const snapshot = requireEngine().takeSnapshot?.();
      if (!snapshot) throw new Error('this engine took no snapshot');
      return snapshot;
    },

    async run(request) {
      const active = requireEngine();
      const output = new OutputBatcher(request.maxOutputBytes, (stream, text) => post({ type: 'output', runSeq: request.runSeq, stream, text }));
      let cancelled = cancelledBeforeStart === request.runSeq;
      let onCancel!: () => void;
      const whenCancelled = new Promise<void>((resolve) => (onCancel = resolve));
      if (cancelled) onCancel();
      current = {
        runSeq: request.runSeq,
        cancel: () => {
          cancelled = true;
          onCancel();
        },
      };
      const context: RunContext = {
        output,
        get cancelled() {
          return cancelled;
        },
        whenCancelled,
        callHost: (kind, name, args) => hostCalls.call(request.runSeq, kind, name, args),
        hostCallsWaiting: () => hostCalls.waiting(request.runSeq),
        nextHostReply: () => hostCalls.nextReply(),
      };
      try {
        let reply: WorkerRunReply;
        try {
          const result = await active.run(request, context);
          reply = { ...result, outputs: result.outputs ?? [], memoryBytes: active.memoryBytes() };
        } catch (error) {
          // The engine itself broke: a `failed` outcome, so the frame still reports the output it counted.
          const message = error instanceof Error ? error.message : String(error);
          reply = { outcome: { kind: 'failed', error: runError('engine', message.slice(0, 2000)) }, outputs: [] };
        }
        output.flush();
        if (output.cut) reply.outputCut = true;
        return reply;
      } finally {
        hostCalls.endRun(request.runSeq);
        current = undefined;
      }
    },

    cancel(runSeq) {
      if (current?.runSeq === runSeq) current.cancel();
      else if (!current || runSeq > current.runSeq) cancelledBeforeStart = runSeq;
    },

    async reset() {
      await requireEngine().reset();
      return undefined;
    },

    async fs(request) {
      const active = requireEngine();
      if (!active.fs) return { ok: false, errno: 'ENOSYS', message: 'this engine has no file system' };
      return active.fs(request);
    },

    async installPackages(request) {
      const active = requireEngine();
      if (!active.installPackages) return 'this engine has no packages';
      return active.installPackages(request);
    },

    async findImports(code) {
      return requireEngine().findImports?.(code) ?? [];
    },
  };
  return api;
}
