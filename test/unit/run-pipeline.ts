/**
 * The run path in Node, minus the browser: the worker's API and engine, the frame's run guard
 * (caps, report) and the host's decision on how the run ended, joined directly instead of over postMessage.
 * The browser tests cover the same path across the real boundaries.
 */
import { RunGuard } from '../../src/frame/run-guard.js';
import { outcomeOf } from '../../src/host/run-outcome.js';
import type { RunReport, RunRequest, SessionLimits } from '../../src/shared/protocol.js';
import type { WorkerConfig } from '../../src/shared/worker-protocol.js';
import type { RunError, RunStatus } from '../../src/shared/types.js';
import type { EngineFactory } from '../../src/worker/engine.js';
import { HostCalls } from '../../src/worker/host-calls.js';
import { createWorkerApi } from '../../src/worker/worker-api.js';

/** A run's result as the host would give it (the fields these tests look at). */
export interface PipelineResult {
  runSeq: number;
  status: RunStatus;
  value?: unknown;
  text?: string;
  stdout: string;
  stderr: string;
  error?: RunError;
  truncated?: boolean;
  stateLost: boolean;
  report: RunReport;
}

const LIMITS: SessionLimits = { maxHostCalls: 100, maxToolArgumentBytes: 1 << 20, maxRequestBytes: 1 << 20, maxFileBytes: 1 << 20 };

/** Starts an engine behind the worker API; `run` goes through guard and status like a real run. */
export async function startPipeline(createEngine: EngineFactory, files: Record<string, ArrayBuffer>, config: WorkerConfig) {
  let guard: RunGuard | undefined;
  let seq = 0;
  const cancelled = new Set<number>();
  const hostCalls = new HostCalls(() => {});
  const api = createWorkerApi(createEngine, files, undefined, (m) => guard?.write(m.stream, m.text), hostCalls);
  await api.start(config);

  async function run(code: string, over: Partial<RunRequest> = {}): Promise<PipelineResult> {
    const request: RunRequest = { runSeq: ++seq, code, timeoutMs: 2000, maxOutputBytes: 1 << 20, maxValueBytes: 1 << 20, ...over };
    // The run's stream as the host hears it: output events, then the report.
    const streamed = { stdout: '', stderr: '' };
    guard = new RunGuard(request, LIMITS, (event) => event.type === 'output' && (streamed[event.stream] += event.text));
    const started = performance.now();
    const report = guard.report(await api.run(request));
    guard = undefined;
    const view = { abortRequested: cancelled.has(request.runSeq), elapsedMs: performance.now() - started, timeoutMs: request.timeoutMs };
    const { result } = outcomeOf({ kind: 'reported', report, view }, streamed);
    return { runSeq: request.runSeq, ...result, report };
  }

  /** Cancels run `runSeq` (the next one when it has not started), as the host's abort does. */
  function cancel(runSeq = seq + 1): void {
    cancelled.add(runSeq);
    api.cancel(runSeq);
  }

  return { api, run, cancel, nextSeq: () => seq + 1, currentSeq: () => seq };
}
