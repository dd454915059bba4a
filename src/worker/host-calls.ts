/**
 * Calls from the guest to the host (tools, granted network requests), relayed by the frame. Each
 * call gets a number; the host (or the frame, when it refuses) answers with a `host-reply`. Calls
 * belong to a run and are rejected when it ends, so a late answer never reaches the next run.
 */
import type { HostCallKind, HostReply } from '../shared/protocol.js';
import type { FromWorker } from '../shared/worker-protocol.js';

interface Pending {
  runSeq: number;
  resolve(json: string): void;
  reject(error: Error): void;
}

/** The worker's side of host calls. One per worker. */
export class HostCalls {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private wake: (() => void) | undefined;

  constructor(private readonly post: (message: Extract<FromWorker, { type: 'host-call' }>) => void) {}

  /** Asks the host for `kind` (`name`, JSON arguments) for run `runSeq`; resolves with the JSON answer. */
  call(runSeq: number, kind: HostCallKind, name: string, args: string): Promise<string> {
    const callId = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(callId, { runSeq, resolve, reject });
      this.post({ type: 'host-call', callId, runSeq, kind, name, args });
    });
  }

  /** Settles the call a reply answers (a reply to no pending call is ignored). */
  receive(reply: HostReply): void {
    const call = this.pending.get(reply.callId);
    if (!call) return;
    this.pending.delete(reply.callId);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(new Error(reply.error));
    this.wake?.();
  }

  /** How many calls of run `runSeq` await an answer. */
  waiting(runSeq: number): number {
    let n = 0;
    for (const call of this.pending.values()) if (call.runSeq === runSeq) n++;
    return n;
  }

  /** Resolves at the next answer (used by an event loop that has nothing else to wait for). */
  nextReply(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        this.wake = undefined;
        previous?.();
        resolve();
      };
    });
  }

  /** Rejects what run `runSeq` still waits for: the run is over. */
  endRun(runSeq: number): void {
    for (const [id, call] of this.pending) {
      if (call.runSeq !== runSeq) continue;
      this.pending.delete(id);
      call.reject(new Error('the run ended before the host answered'));
    }
  }
}
