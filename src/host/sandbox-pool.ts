/**
 * A pool of started sandboxes of one language: the engine start (a few hundred milliseconds for
 * QuickJS, seconds for Pyodide) happens ahead of need, and a worn or broken sandbox is replaced in
 * the background. The pool watches each sandbox through its audit events. An acquirer gets a
 * lease, never the sandbox itself: a handle of its own that is revoked when it is released.
 */
import { DisposedError } from '../shared/errors.js';
import { ASYNC_DISPOSE } from '../shared/dispose.js';
import type { SandboxEvent } from '../shared/events.js';
import type { Language, RunOptions, RunResult, Sandbox, SandboxFileSystem, SandboxOptions, SandboxPool, SandboxPoolOptions, SandboxPoolStats } from '../shared/types.js';
import { resolvePoolOptions, type ResolvedPoolOptions } from './options.js';

/** How long after handing out an idle sandbox the pool starts its replacement. */
const TOP_UP_DELAY_MS = 250;

/** One sandbox of the pool and what the pool knows of it. */
interface Member {
  sandbox: Sandbox;
  runs: number;
  /** Set when it must not be handed out again: crashed, lost its state, or disposed by its user. */
  worn: boolean;
  idleTimer?: ReturnType<typeof setTimeout>;
}

/** One acquirer's hold on a member: its handle, and the revocation that ends it. */
interface Lease {
  member: Member;
  revoke(): void;
}

/**
 * A handle on `sandbox` for one acquirer, until `revoke()`: then every call rejects with
 * `DisposedError` (dispose does nothing), so a reference kept after `release()` cannot reach the
 * next user. Calls made before the revocation go on.
 */
function leaseOf(sandbox: Sandbox): { handle: Sandbox; revoke(): void } {
  let target: Sandbox | undefined = sandbox;
  const use = <T>(call: (sandbox: Sandbox) => Promise<T>): Promise<T> =>
    target ? call(target) : Promise.reject(new DisposedError('this sandbox (released to its pool, so its lease)'));
  const fs: SandboxFileSystem = {
    writeFile: (path, data) => use((s) => s.fs.writeFile(path, data)),
    readFile: (path) => use((s) => s.fs.readFile(path)),
    readdir: (path) => use((s) => s.fs.readdir(path)),
    remove: (path) => use((s) => s.fs.remove(path)),
  };
  const handle: Sandbox = {
    language: sandbox.language,
    fs,
    run: (code, options) => use((s) => s.run(code, options)),
    reset: () => use((s) => s.reset()),
    installPackages: (names) => use((s) => s.installPackages(names)),
    dispose: () => target?.dispose() ?? Promise.resolve(),
    [ASYNC_DISPOSE]: () => handle.dispose(),
  };
  return { handle, revoke: () => (target = undefined) };
}

interface Waiter {
  resolve(sandbox: Sandbox): void;
  reject(error: unknown): void;
}

class SandboxPoolImpl implements SandboxPool {
  readonly language: Language;
  private readonly idle: Member[] = [];
  /** Handed-out leases by their handle. */
  private readonly acquired = new Map<Sandbox, Lease>();
  /** Sandboxes being started or reset. */
  private pending = 0;
  /** The starts under way, so that `dispose()` can wait for them to be undone. */
  private readonly starts = new Set<Promise<unknown>>();
  private readonly waiters: Waiter[] = [];
  private disposed = false;
  /** `warm()` calls waiting for `size` idle sandboxes. */
  private readonly warmers: Array<{ resolve(): void; reject(error: unknown): void }> = [];

  constructor(
    private readonly options: ResolvedPoolOptions,
    private readonly createSandbox: (options: SandboxOptions) => Promise<Sandbox>,
  ) {
    this.language = options.sandbox.language;
    this.fill();
  }

  get stats(): SandboxPoolStats {
    return { idle: this.idle.length, acquired: this.acquired.size, starting: this.pending };
  }

  private get alive(): number {
    return this.idle.length + this.acquired.size + this.pending;
  }

  /** Starts sandboxes, one at a time, until `size` are idle or starting (within `maxSize`). */
  private fill(): void {
    if (this.disposed || this.pending > 0) return;
    if (this.idle.length < this.options.size && this.alive < this.options.maxSize) this.spawn();
    else this.settleWarmers();
  }

  private spawn(): void {
    this.pending++;
    let member: Member | undefined;
    const watch = (event: SandboxEvent) => {
      if (member) this.observe(member, event);
      this.options.onEvent?.(event);
    };
    const start = this.createSandbox({ ...this.options.sandbox, onEvent: watch }).then(
      (sandbox) => {
        this.pending--;
        member = { sandbox, runs: 0, worn: false };
        if (this.disposed) return sandbox.dispose();
        this.place(member);
        this.fill();
      },
      (error) => {
        this.pending--;
        // The waiter that this start was for hears why; background warming stops until asked again.
        this.waiters.shift()?.reject(error);
        for (const warmer of this.warmers.splice(0)) warmer.reject(error);
      },
    );
    this.starts.add(start);
    void start.finally(() => this.starts.delete(start));
  }

  /** Notes what makes a sandbox unfit to hand out again. */
  private observe(member: Member, event: SandboxEvent): void {
    if (event.type === 'run-finished') {
      member.runs++;
      if (event.stateLost || event.status === 'crashed') member.worn = true;
    } else if (event.type === 'sandbox-restarted' || event.type === 'sandbox-disposed') {
      member.worn = true;
    }
  }

  /** A new lease on `member`, recorded as acquired. */
  private lend(member: Member): Sandbox {
    const { handle, revoke } = leaseOf(member.sandbox);
    this.acquired.set(handle, { member, revoke });
    return handle;
  }

  /** Hands a ready sandbox to the first waiter, else keeps it idle. */
  private place(member: Member): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(this.lend(member));
      return;
    }
    this.idle.push(member);
    if (Number.isFinite(this.options.idleTimeoutMs)) {
      member.idleTimer = setTimeout(() => {
        const at = this.idle.indexOf(member);
        if (at < 0) return;
        this.idle.splice(at, 1);
        void member.sandbox.dispose();
      }, this.options.idleTimeoutMs);
    }
    this.settleWarmers();
  }

  private settleWarmers(): void {
    if (this.disposed) for (const warmer of this.warmers.splice(0)) warmer.reject(new DisposedError('this sandbox pool'));
    else if (this.idle.length >= this.options.size) for (const warmer of this.warmers.splice(0)) warmer.resolve();
  }

  warm(): Promise<void> {
    if (this.disposed) return Promise.reject(new DisposedError('this sandbox pool'));
    return new Promise<void>((resolve, reject) => {
      this.warmers.push({ resolve, reject });
      this.fill();
    });
  }

  acquire(options: { signal?: AbortSignal } = {}): Promise<Sandbox> {
    if (this.disposed) return Promise.reject(new DisposedError('this sandbox pool'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const member = this.idle.shift();
    if (member) {
      clearTimeout(member.idleTimer);
      const handle = this.lend(member);
      // Topping up starts a frame on the page's main thread; not while the caller's first run is
      // in flight, whose answer would wait for it.
      setTimeout(() => this.fill(), TOP_UP_DELAY_MS);
      return Promise.resolve(handle);
    }
    return new Promise<Sandbox>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (sandbox) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(sandbox);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      // Start one for this caller unless enough are already on their way.
      if (this.alive < this.options.maxSize && this.pending < this.waiters.length) this.spawn();
    });
  }

  async release(sandbox: Sandbox): Promise<void> {
    // After dispose() every sandbox is already disposed: giving one back is a no-op.
    if (this.disposed) return;
    const lease = this.acquired.get(sandbox);
    if (!lease) throw new TypeError('release: this sandbox is not acquired from this pool (or was already released)');
    this.acquired.delete(sandbox);
    lease.revoke();
    const { member } = lease;
    const { sandbox: own } = member;
    const { maxRunsPerSandbox, resetOnRelease } = this.options;
    if (this.disposed || member.worn || member.runs >= maxRunsPerSandbox) {
      await own.dispose();
      this.refill();
      return;
    }
    if (resetOnRelease) {
      this.pending++;
      try {
        await own.reset();
      } catch {
        member.worn = true;
      } finally {
        this.pending--;
      }
      if (member.worn || this.disposed) {
        await own.dispose();
        this.refill();
        return;
      }
    }
    this.place(member);
  }

  /** After a sandbox left the pool: start one for a waiter, or top the idle ones up. */
  private refill(): void {
    if (this.disposed) return;
    if (this.waiters.length > this.pending && this.alive < this.options.maxSize) this.spawn();
    else this.fill();
  }

  async run(code: string, options?: RunOptions): Promise<RunResult> {
    const sandbox = await this.acquire({ signal: options?.signal });
    let result: RunResult;
    try {
      result = await sandbox.run(code, options);
    } finally {
      // The reset happens after the caller has the result.
      this.release(sandbox).catch(() => {});
    }
    return result;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new DisposedError('this sandbox pool'));
    this.settleWarmers();
    const members = [...this.idle.splice(0), ...[...this.acquired.values()].map((lease) => lease.member)];
    this.acquired.clear();
    for (const member of members) clearTimeout(member.idleTimer);
    await Promise.all([...members.map((member) => member.sandbox.dispose()), ...this.starts]);
  }

  [ASYNC_DISPOSE](): Promise<void> {
    return this.dispose();
  }
}

/** Creates a pool whose members `createSandbox` starts (the entry point's). Entry points document it as `createSandboxPool`. */
export function openSandboxPool(options: SandboxPoolOptions, createSandbox: (options: SandboxOptions) => Promise<Sandbox>): SandboxPool {
  return new SandboxPoolImpl(resolvePoolOptions(options), createSandbox);
}
