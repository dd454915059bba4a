/**
 * Calls from the guest to the host (tools, granted network requests), over the rpc port beside
 * Comlink. Each call gets a number; the host answers with a `host-reply`. Calls belong to a run
 * and are rejected when it ends, so a late answer never reaches the next run.
 */
import { isHostReplyMessage, type HostCallKind, type HostCallMessage } from '../shared/protocol.js';

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

  constructor(private readonly post: (message: HostCallMessage) => void) {}

  /** Asks the host for `kind` (`name`, JSON arguments) for run `runSeq`; resolves with the JSON answer. */
  call(runSeq: number, kind: HostCallKind, name: string, args: string): Promise<string> {
    const callId = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(callId, { runSeq, resolve, reject });
      this.post({ type: 'host-call', callId, runSeq, kind, name, args });
    });
  }

  /** Handles a message from the host; returns false if it was not a host reply. */
  receive(data: unknown): boolean {
    if (!isHostReplyMessage(data)) return false;
    const call = this.pending.get(data.callId);
    if (!call) return true;
    this.pending.delete(data.callId);
    if (data.ok) call.resolve(data.value);
    else call.reject(new Error(data.error));
    this.wake?.();
    return true;
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
