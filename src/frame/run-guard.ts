/**
 * One run as the frame sees it: the output it lets through (counted in UTF-8 bytes as it arrives,
 * cut at the run's cap, coalesced before it goes to the host), the host calls it forwards (only
 * this run's, within the count and size caps), and the report that ends the run's stream, built
 * from the worker's account after every field was checked and capped. Nothing here trusts the worker.
 */
import { readOutcome, readOutputs, readRunError, isCount, isRecord, type EngineOutcome, type FrameEvent, type HostCall, type RunReport, type RunRequest, type SessionLimits, type StreamName } from '../shared/protocol.js';
import type { LimitName } from '../shared/events.js';
import type { RunError, RunOutput } from '../shared/types.js';
import { cutUtf8, fitsUtf8, utf8Length } from '../shared/utf8.js';
import { OutputBatcher } from '../shared/output-batcher.js';
import { runError, type RUN_ERROR } from '../shared/run-errors.js';
import { DISPOSE } from '../shared/dispose.js';

/** Caps of an error's fields (the engines cap theirs lower; these hold whatever the worker sends). */
const MAX_ERROR_NAME = 200;
const MAX_ERROR_TEXT = 16 * 1024;
const MAX_MIME = 100;
const MAX_OUTPUTS = 100;
/** An install request's size (a list of requirements) as it crosses from the guest. */
const MAX_INSTALL_CALL_BYTES = 64 * 1024;

/** Caps a RunError's fields; null when it is not one. */
function capError(v: unknown): RunError | null {
  const error = readRunError(v);
  if (!error) return null;
  error.name = error.name.slice(0, MAX_ERROR_NAME) || 'Error';
  error.message = cutUtf8(error.message, MAX_ERROR_TEXT);
  if (error.stack !== undefined) error.stack = cutUtf8(error.stack, MAX_ERROR_TEXT);
  return error;
}

/** The guard of the run in progress. Owned by the frame's API for the run's length. */
export class RunGuard {
  /** The output it passes on: cut at the run's cap, batched. */
  private readonly output: OutputBatcher;
  private readonly limits = new Set<LimitName>();
  private hostCalls = 0;
  /** Host calls of this run the host has not answered yet. */
  readonly openCalls = new Set<number>();

  constructor(
    readonly request: RunRequest,
    private readonly sessionLimits: SessionLimits,
    emit: (event: FrameEvent) => void,
  ) {
    this.output = new OutputBatcher(request.maxOutputBytes, (stream, text) => emit({ type: 'output', runSeq: request.runSeq, stream, text }));
  }

  get runSeq(): number {
    return this.request.runSeq;
  }

  /** Takes an output chunk of this run: cut at the cap, then on its way to the host. */
  write(stream: StreamName, text: string): void {
    this.output.write(stream, text);
    if (this.output.cut) this.limits.add('output');
  }

  /**
   * Decides on a host call of this run: null to forward it to the host, or the error message the
   * guest gets instead (too many calls, arguments too large).
   */
  admitHostCall(call: HostCall): string | null {
    const max = call.kind === 'tool' ? this.sessionLimits.maxToolArgumentBytes : call.kind === 'fetch' ? this.sessionLimits.maxRequestBytes : MAX_INSTALL_CALL_BYTES;
    if (!fitsUtf8(call.args, max)) {
      return call.kind === 'tool' ? `the arguments of tool "${call.name.slice(0, 100)}" are larger than ${max} bytes` : `the ${call.kind === 'fetch' ? 'request' : 'install request'} is larger than ${max} bytes`;
    }
    if (call.name.length > 200) return 'the tool name is too long';
    if (this.hostCalls >= this.sessionLimits.maxHostCalls) {
      this.limits.add('host-calls');
      return `more than ${this.sessionLimits.maxHostCalls} tool calls and network requests in one run`;
    }
    this.hostCalls++;
    this.openCalls.add(call.callId);
    return null;
  }

  /**
   * The report of a run the worker answered: every field checked and capped. Throws when the answer
   * is not a run result at all (the worker broke the protocol).
   */
  report(reply: unknown): RunReport {
    if (!isRecord(reply)) throw new Error('the run result is not an object');
    const outcome = this.capOutcome(reply.outcome);
    const outputs = this.capOutputs(reply.outputs);
    const report = this.finish(outcome, outputs);
    if (reply.stateLost === true) report.stateLost = true;
    if (reply.outputCut === true && !report.limitsHit.includes('output')) report.limitsHit.push('output');
    if (isCount(reply.memoryBytes)) report.memoryBytes = reply.memoryBytes;
    return report;
  }

  /**
   * The report of a run whose worker ended before it answered (`crashed`), broke the protocol
   * (`bridge`, which flooding with messages is too), or could not run the code (`engine`).
   */
  failed(message: string, limit?: LimitName, name: keyof typeof RUN_ERROR = limit === 'messages' ? 'bridge' : 'crashed'): RunReport {
    if (limit) this.limits.add(limit);
    return { ...this.finish({ kind: 'failed', error: runError(name, message) }, []), workerEnded: true };
  }

  /** Drops the output batcher's timer; the report (or `failed`) has flushed what counted. */
  dispose(): void {
    this.output.dispose();
  }

  [DISPOSE](): void {
    this.dispose();
  }

  /** Sends the output still waiting (so it comes before the report), and builds the report. */
  private finish(outcome: EngineOutcome, outputs: RunOutput[]): RunReport {
    this.output.flush();
    return { runSeq: this.runSeq, outcome, outputs, limitsHit: [...this.limits] };
  }

  private capOutcome(v: unknown): EngineOutcome {
    // The error is capped first, so readOutcome never copies an unbounded field twice.
    const error = isRecord(v) && v.error !== undefined ? capError(v.error) : undefined;
    const outcome = readOutcome(isRecord(v) && error ? { ...v, error } : v);
    if (!outcome) throw new Error('the run result has no valid outcome');
    if (outcome.kind !== 'returned') return outcome;
    if (outcome.truncated) this.limits.add('value');
    const max = this.request.maxValueBytes;
    if (outcome.valueJson !== undefined && !fitsUtf8(outcome.valueJson, max)) {
      delete outcome.valueJson;
      this.limits.add('value');
    }
    if (outcome.text !== undefined && !fitsUtf8(outcome.text, max)) {
      outcome.text = cutUtf8(outcome.text, max);
      this.limits.add('value');
    }
    return outcome;
  }

  /** Rich outputs within the value cap, all together; what does not fit is left out. */
  private capOutputs(v: unknown): RunOutput[] {
    if (!Array.isArray(v)) throw new Error('the run result has no outputs list');
    if (v.length > MAX_OUTPUTS) this.limits.add('value');
    const outputs = readOutputs(v.slice(0, MAX_OUTPUTS));
    if (!outputs) throw new Error('the run result has malformed outputs');
    let left = this.request.maxValueBytes;
    const kept: RunOutput[] = [];
    for (const output of outputs) {
      const size = output.mime.length + output.data.length;
      if (output.mime.length > MAX_MIME || size > left || !fitsUtf8(output.data, left)) {
        this.limits.add('value');
        continue;
      }
      left -= utf8Length(output.data) + output.mime.length;
      kept.push(output);
    }
    return kept;
  }
}
