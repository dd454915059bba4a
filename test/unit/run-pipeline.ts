/**
 * The run path in Node, minus the browser: the worker's API and engine, the frame's run guard
 * (caps, report) and the host's status decision, joined directly instead of over postMessage.
 * The browser tests cover the same path across the real boundaries.
 */
import { RunGuard } from '../../src/frame/run-guard.js';
import { statusOf } from '../../src/host/run-status.js';
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
  const api = createWorkerApi(createEngine, files, undefined, (m) => guard?.output(m.stream, m.text), hostCalls);
  await api.start(config);

  async function run(code: string, over: Partial<RunRequest> = {}): Promise<PipelineResult> {
    const request: RunRequest = { runSeq: ++seq, code, timeoutMs: 2000, maxOutputBytes: 1 << 20, maxValueBytes: 1 << 20, ...over };
    guard = new RunGuard(request, LIMITS, () => {});
    const started = performance.now();
    const report = guard.report(await api.run(request));
    guard = undefined;
    const { status, error } = statusOf(report.outcome, { abortRequested: cancelled.has(request.runSeq), elapsedMs: performance.now() - started, timeoutMs: request.timeoutMs });
    const result: PipelineResult = { runSeq: request.runSeq, status, stdout: report.stdout, stderr: report.stderr, stateLost: Boolean(report.stateLost), report };
    if (error) result.error = error;
    if (report.outcome.kind === 'returned') {
      if (report.outcome.valueJson !== undefined) result.value = JSON.parse(report.outcome.valueJson);
      if (report.outcome.text !== undefined) result.text = report.outcome.text;
    }
    if (report.limitsHit.includes('output') || report.limitsHit.includes('value')) result.truncated = true;
    return result;
  }

  /** Cancels run `runSeq` (the next one when it has not started), as the host's abort does. */
  function cancel(runSeq = seq + 1): void {
    cancelled.add(runSeq);
    api.cancel(runSeq);
  }

  return { api, run, cancel, nextSeq: () => seq + 1, currentSeq: () => seq };
}
