/**
 * The frame's hold on its worker: starts it, calls its methods, and receives everything it sends.
 * Every message is checked for shape and counted against the message budget before anything
 * acts on it; a worker that floods, breaks the protocol, does not acknowledge a call, or stays
 * busy between calls is terminated. Termination is the frame's authoritative stop: the guest can
 * neither prevent nor survive it.
 */
import { whyNotFromWorker, type FromWorker, type ToWorker, type WorkerInit, type WorkerMethod, type WorkerMethods } from '../shared/worker-protocol.js';
import { isCount, isRecord, WORKER_ENDED_ERROR, type EngineFiles } from '../shared/protocol.js';
import type { LimitName } from '../shared/events.js';
import { DropReporter, MessageBudget } from './message-budget.js';
import { cutUtf8 } from '../shared/utf8.js';

/** A call the worker does not acknowledge within this is stuck behind work a guest left running. */
export const ACK_TIMEOUT_MS = 3_000;
/** The first call may wait for the worker's script to load and compile, on a busy machine. */
const FIRST_ACK_TIMEOUT_MS = 30_000;
/** Between calls the frame checks this often that the worker is idle… */
export const PING_INTERVAL_MS = 2_000;
/** …and stops it when a check stays unanswered this long. */
export const STUCK_AFTER_MS = 6_000;

/** Thrown to pending calls when the worker has ended. */
export class WorkerEndedError extends Error {
  constructor(
    message: string,
    readonly limit?: LimitName,
  ) {
    super(message);
    this.name = WORKER_ENDED_ERROR;
  }
}

/** What the link hands to the frame's API. */
export interface LinkHandlers {
  /** An output chunk with a valid shape; the run guard decides whether it fits. */
  onOutput(message: Extract<FromWorker, { type: 'output' }>): void;
  onHostCall(message: Extract<FromWorker, { type: 'host-call' }>): void;
  /** Invalid messages, summarized. */
  onDropped(count: number, reason: string): void;
  /** Once, when the worker has ended for any reason other than {@link WorkerLink.terminate}. */
  onEnded(error: WorkerEndedError): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  ackTimer: ReturnType<typeof setTimeout> | undefined;
}

/** One worker, owned by the frame. */
export class WorkerLink {
  private worker: Worker;
  /** What was sent before the worker's script ran (init first), posted once it says it has loaded. */
  private held: Array<[ToWorker | WorkerInit, Transferable[]]> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ended: WorkerEndedError | undefined;
  private readonly budget = new MessageBudget();
  private readonly drops: DropReporter;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  /** The unanswered check: its id and when it was sent. */
  private ping: { id: number; sentAt: number } | undefined;
  /** Messages left for the run in progress (see RunGuard); undefined between runs. */
  runMessagesLeft: number | undefined;

  /** Starts the worker from its source. Throws when the browser refuses to start it. */
  constructor(
    private readonly source: string,
    files: EngineFiles,
    interrupt: SharedArrayBuffer | undefined,
    private readonly handlers: LinkHandlers,
  ) {
    this.drops = new DropReporter((count, reason) => handlers.onDropped(count, reason));
    const init: WorkerInit = { type: 'init', files, interrupt };
    this.held = [[init, Object.values(files)]];
    this.worker = this.spawn('blob');
  }

  /**
   * Starts the worker as a classic script (module workers do not start in an opaque-origin frame)
   * from a blob: URL, or from a data: URL where the browser refuses blob: workers: WebKit does
   * inside an opaque-origin frame on a cross-origin isolated page.
   */
  private spawn(scheme: 'blob' | 'data'): Worker {
    const url = scheme === 'blob' ? URL.createObjectURL(new Blob([this.source], { type: 'text/javascript' })) : dataUrl(this.source);
    // The worker's script is fetched asynchronously; give it time before freeing the URL.
    if (scheme === 'blob') setTimeout(() => URL.revokeObjectURL(url), 10_000);
    let worker: Worker;
    try {
      worker = new Worker(url, { name: 'ai-sandbox' });
    } catch (error) {
      if (scheme === 'blob') return this.spawn('data');
      throw error;
    }
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (worker !== this.worker) return;
      // Failed before its script ran: nothing was handed over yet, so the other way can be tried.
      if (this.held && scheme === 'blob') {
        worker.terminate();
        this.worker = this.spawn('data');
        return;
      }
      // What the worker's own error said is guest text: quoted, and cut short.
      const said = event.message ? ` (it said: ${JSON.stringify(cutUtf8(String(event.message), 200))})` : '';
      this.end(new WorkerEndedError(`the worker failed to load or crashed${said}`));
    });
    worker.addEventListener('messageerror', () => worker === this.worker && this.violation('a message that could not be read'));
    worker.addEventListener('message', (event) => worker === this.worker && this.receive(event.data));
    return worker;
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Calls a worker method; resolves with its (unchecked) answer, rejects with WorkerEndedError. */
  call<M extends WorkerMethod>(method: M, arg: WorkerMethods[M][0], transfer: Transferable[] = []): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    const ackMs = id === 1 ? FIRST_ACK_TIMEOUT_MS : ACK_TIMEOUT_MS;
    this.stopPing();
    return new Promise<unknown>((resolve, reject) => {
      const ackTimer = setTimeout(
        () => this.end(new WorkerEndedError(`the worker did not take the ${method} call within ${ackMs / 1000} s: it was still busy with work an earlier run left running`)),
        ackMs,
      );
      this.pending.set(id, { resolve, reject, ackTimer });
      this.send({ type: 'call', id, method, arg }, transfer);
    });
  }

  /** Sends a message that expects no answer. */
  send(message: ToWorker, transfer: Transferable[] = []): void {
    if (this.ended) return;
    if (this.held) this.held.push([message, transfer]);
    else this.worker.postMessage(message, transfer);
  }

  /** Stops the worker at once, for any reason; pending calls reject with `error`. */
  end(error: WorkerEndedError): void {
    if (this.ended) return;
    this.ended = error;
    this.worker.terminate();
    this.stopPing();
    this.drops.flush();
    this.drops.dispose();
    for (const call of this.pending.values()) {
      clearTimeout(call.ackTimer);
      call.reject(error);
    }
    this.pending.clear();
    this.handlers.onEnded(error);
  }

  /** Drops an invalid message; a stream of them is a flood. */
  private violation(reason: string): void {
    this.drops.drop(reason);
  }

  /**
   * Whether `data` answers a call (or check) the frame itself made and still waits for: at most one
   * acknowledgement and one reply per call, so these cost the worker nothing from its budget (a
   * walk over thousands of folders is thousands of calls, none of them the worker's doing).
   */
  private answersOwnCall(data: unknown): boolean {
    if (!isRecord(data) || !isCount(data.id)) return false;
    const call = this.pending.get(data.id);
    if (data.type === 'reply') return call !== undefined;
    if (data.type === 'ack') return call?.ackTimer !== undefined;
    return data.type === 'pong' && data.id === this.ping?.id;
  }

  private receive(data: unknown): void {
    if (this.ended) return;
    if (this.answersOwnCall(data)) return this.handle(data);
    if (!this.budget.take()) {
      this.end(new WorkerEndedError(`the worker sent more messages than the frame allows (over a thousand a second): it was stopped`, 'messages'));
      return;
    }
    if (this.runMessagesLeft !== undefined && --this.runMessagesLeft < 0) {
      this.end(new WorkerEndedError('the worker sent more messages in one run than the frame allows: it was stopped', 'messages'));
      return;
    }
    this.handle(data);
  }

  /** Acts on a message once it is counted (or needs no counting). */
  private handle(data: unknown): void {
    const why = whyNotFromWorker(data);
    if (why) return this.violation(why);
    const message = data as FromWorker;
    switch (message.type) {
      case 'loaded': {
        const held = this.held;
        if (!held) return this.violation('a second loaded');
        this.held = undefined;
        for (const [m, transfer] of held) this.worker.postMessage(m, transfer);
        return;
      }
      case 'ack': {
        const call = this.pending.get(message.id);
        if (!call || call.ackTimer === undefined) return this.violation('an acknowledgement of no call');
        clearTimeout(call.ackTimer);
        call.ackTimer = undefined;
        return;
      }
      case 'reply': {
        const call = this.pending.get(message.id);
        if (!call) return this.violation('a reply to no call');
        clearTimeout(call.ackTimer);
        this.pending.delete(message.id);
        if (this.pending.size === 0) {
          this.ping = undefined;
          this.schedulePing();
        }
        if (message.ok) call.resolve(message.value);
        else call.reject(new Error(message.error.slice(0, 2000)));
        return;
      }
      case 'pong':
        if (message.id === this.ping?.id) this.ping = undefined;
        return;
      case 'output':
        return this.handlers.onOutput(message);
      case 'host-call':
        return this.handlers.onHostCall(message);
    }
  }

  /** Between calls, checks now and then that the worker answers; a busy one is stuck. */
  private schedulePing(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.checkIdle(), PING_INTERVAL_MS);
  }

  private checkIdle(): void {
    if (this.ended || this.pending.size > 0) return;
    const now = performance.now();
    if (this.ping && now - this.ping.sentAt > STUCK_AFTER_MS) {
      this.end(new WorkerEndedError('the worker stayed busy after its run ended (work the guest left running): it was stopped'));
      return;
    }
    if (!this.ping) {
      this.ping = { id: this.nextId++, sentAt: now };
      this.send({ type: 'ping', id: this.ping.id });
    }
    this.schedulePing();
  }

  private stopPing(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    this.ping = undefined;
  }
}

/** `source` as a data: URL (base64 of its UTF-8 bytes). */
function dataUrl(source: string): string {
  const bytes = new TextEncoder().encode(source);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:text/javascript;base64,${btoa(binary)}`;
}
