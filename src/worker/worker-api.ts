/**
 * The worker's side of the RPC: the only object exposed over Comlink. It owns the engine, keeps
 * runs one at a time, and turns anything an engine throws into a result rather than a dead call.
 */
import type { EngineConfig, FsRequest, FsResult, InstallRequest, OutputMessage, RunRequest, StartReport, WorkerApi, WorkerRunResult } from '../shared/protocol.js';
import * as Comlink from 'comlink';
import type { EngineFiles } from '../shared/protocol.js';
import type { Engine, EngineFactory, RunContext } from './engine.js';
import { OutputSink } from './output-sink.js';
import type { HostCalls } from './host-calls.js';

/**
 * Run once at start, through the whole run path, so the first real run does not pay for the
 * compilation of that path (about 10 ms for QuickJS in a fresh worker). Defines no globals.
 */
const WARM_UP = { javascript: '[1, "a", { b: 2 }].length', python: '[1, "a", {"b": 2}]' } as const;

interface Cancellable {
  runSeq: number;
  cancel(): void;
}

/** Creates the API the worker exposes; `post` sends output messages on the rpc port. */
export function createWorkerApi(
  createEngine: EngineFactory,
  files: EngineFiles,
  interrupt: SharedArrayBuffer | undefined,
  post: (message: OutputMessage) => void,
  tools: HostCalls,
): WorkerApi {
  let engine: Engine | undefined;
  let current: Cancellable | undefined;
  // A cancel can overtake its run (both are messages); remember it until that run starts.
  let cancelledBeforeStart = -1;

  const requireEngine = (): Engine => {
    if (!engine) throw new Error('the engine has not been started');
    return engine;
  };

  const api: WorkerApi = {
    async start(config: EngineConfig): Promise<StartReport> {
      if (engine) throw new Error('the engine was already started');
      engine = await createEngine({ files, config, interrupt });
      if (config.snapshot !== 'make') await api.run({ runSeq: 0, code: WARM_UP[config.language], timeoutMs: 10_000, maxOutputBytes: 0, maxValueBytes: 4096 });
      return { fromSnapshot: engine.fromSnapshot === true };
    },

    async takeSnapshot(): Promise<Uint8Array> {
      const snapshot = requireEngine().takeSnapshot?.();
      if (!snapshot) throw new Error('this engine took no snapshot');
      return Comlink.transfer(snapshot, [snapshot.buffer]);
    },

    async run(request: RunRequest): Promise<WorkerRunResult> {
      const active = requireEngine();
      const output = new OutputSink(request.runSeq, request.maxOutputBytes, post);
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
        callHost: (kind, name, args) => tools.call(request.runSeq, kind, name, args),
        hostCallsWaiting: () => tools.waiting(request.runSeq),
        nextHostReply: () => tools.nextReply(),
      };
      try {
        const outcome = await active.run(request, context);
        output.flush();
        const result: WorkerRunResult = {
          runSeq: request.runSeq,
          ...outcome,
          stdout: output.text.stdout,
          stderr: output.text.stderr,
          outputs: outcome.outputs ?? [],
          memoryBytes: active.memoryBytes(),
        };
        if (output.truncated) result.truncated = true;
        return result;
      } finally {
        tools.endRun(request.runSeq);
        current = undefined;
      }
    },

    cancel(runSeq: number): void {
      if (current?.runSeq === runSeq) current.cancel();
      else if (!current || runSeq > current.runSeq) cancelledBeforeStart = runSeq;
    },

    async reset(): Promise<void> {
      await requireEngine().reset();
    },

    async fs(request: FsRequest): Promise<FsResult> {
      const active = requireEngine();
      if (!active.fs) return { ok: false, errno: 'ENOSYS', message: 'this engine has no file system' };
      const result = active.fs(request);
      // Hand read bytes over without a copy.
      return result.ok && result.data instanceof Uint8Array ? Comlink.transfer(result, [result.data.buffer]) : result;
    },

    async installPackages(request: InstallRequest): Promise<string | null> {
      const active = requireEngine();
      if (!active.installPackages) return 'this engine has no packages';
      return active.installPackages(request);
    },
  };
  return api;
}
