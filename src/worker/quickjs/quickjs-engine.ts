/**
 * JavaScript in QuickJS (quickjs-emscripten). Code is evaluated as a global script with
 * top-level await allowed (QuickJS's JS_EVAL_FLAG_ASYNC), so declarations persist across runs and
 * the last expression is the run's value. An event loop here drives promise jobs and the guest's
 * timers until the script settles and no timer is pending, all under one deadline.
 *
 * Limits: the interrupt handler (deadline, host cancel, shared interrupt slot), QuickJS's memory
 * limit plus a hard cap on the wasm memory's growth, and a stack limit small enough that QuickJS
 * reports the overflow before the browser's own stack runs out.
 */
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import guestRuntimeSource from 'virtual:guest-runtime';
import type { RunRequest, WorkerRunResult } from '../../shared/protocol.js';
import type { RunError, RunStatus } from '../../shared/types.js';
import type { Described } from '../../guest/to-plain.js';
import { RUNTIME_FILE, USER_FILE } from '../../guest/describe-error.js';
import type { Engine, EngineInit, EngineOutcome, RunContext } from '../engine.js';
import { newHostBridgeHandle } from './host-functions.js';

/** The engine file the host hands in (see host/assets.ts). */
export const QUICKJS_WASM = 'quickjs.wasm';

/** Global code with top-level await (QuickJS's JS_EVAL_FLAG_ASYNC; not in the typed flag list). */
const EVAL_GLOBAL_ASYNC = 0 | (1 << 7);
/**
 * QuickJS's own stack limit. With 256 KiB or more, recursion overflows the browser worker's
 * native stack before QuickJS notices (seen in Chromium 156); 128 KiB makes QuickJS throw a clean
 * "stack overflow" after about 700 plain JavaScript calls.
 */
const MAX_STACK_BYTES = 128 * 1024;
const WASM_PAGE = 64 * 1024;
/** The wasm memory's fixed part (data, C stack) before the heap QuickJS limits. */
const WASM_BASE_BYTES = 16 * 1024 * 1024;
/** Extra memory allowed while describing a result or error after the guest used its share. */
const DESCRIBE_HEADROOM_BYTES = 4 * 1024 * 1024;

type Outcome = EngineOutcome;

/** The parts of one QuickJS context with the runtime installed in it. */
interface Realm {
  ctx: QuickJSContext;
  control: QuickJSHandle;
  fns: Record<'beginRun' | 'describe' | 'describeError' | 'nextTimerDelay' | 'runNextTimer' | 'clearTimers', QuickJSHandle>;
}

function isRunError(e: unknown): e is RunError {
  return typeof e === 'object' && e !== null && !(e instanceof Error) && typeof (e as RunError).name === 'string';
}

function sleep(ms: number, cancelled: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), cancelled]).finally(() => clearTimeout(timer));
}

/** A QuickJS runtime and one context. Owned by the worker; `dispose()` frees it. */
export class QuickJsEngine implements Engine {
  private module!: QuickJSWASMModule;
  private wasmMemory!: WebAssembly.Memory;
  private wasmMaxBytes = 0;
  private runtime!: QuickJSRuntime;
  private realm!: Realm;
  /** The run in progress: where the guest's output and tool calls go. */
  private current: RunContext | undefined;

  private constructor(
    private readonly wasmModule: WebAssembly.Module,
    private readonly memoryLimitBytes: number,
    private readonly toolNames: string[],
    private readonly network: boolean,
    /** Slot 0: the number of the run the host wants stopped. */
    private readonly interrupt: Int32Array | undefined,
  ) {}

  /** Compiles the wasm and boots a runtime with the guest runtime installed. */
  static async create(init: EngineInit): Promise<QuickJsEngine> {
    const wasm = init.files[QUICKJS_WASM];
    if (!wasm) throw new Error(`${QUICKJS_WASM} was not handed to the worker`);
    const slot = init.interrupt && new Int32Array(init.interrupt, 0, 1);
    const engine = new QuickJsEngine(await WebAssembly.compile(wasm), init.config.memoryLimitBytes, init.config.toolNames, init.config.network, slot);
    await engine.boot();
    return engine;
  }

  /**
   * Instantiates the wasm with a fresh, capped memory. QuickJS's own limit is the one meant to
   * trip (it fails cleanly); the cap on the wasm memory is the backstop, generous enough for
   * the allocator's overhead so it is not reached first.
   */
  private async boot(): Promise<void> {
    const cap = WASM_BASE_BYTES + 2 * this.memoryLimitBytes + 64 * 1024 * 1024;
    const maximum = Math.min(32768, Math.ceil(cap / WASM_PAGE));
    const wasmMemory = new WebAssembly.Memory({ initial: WASM_BASE_BYTES / WASM_PAGE, maximum });
    this.wasmMemory = wasmMemory;
    this.wasmMaxBytes = maximum * WASM_PAGE;
    const variant = newVariant(releaseSync, { wasmModule: this.wasmModule, wasmMemory });
    this.module = await newQuickJSWASMModuleFromVariant(variant);
    this.newRuntime();
  }

  private newRuntime(): void {
    this.runtime = this.module.newRuntime();
    this.runtime.setMemoryLimit(this.memoryLimitBytes);
    this.runtime.setMaxStackSize(MAX_STACK_BYTES);
    this.realm = this.newRealm();
  }

  /**
   * Replaces the runtime (and its context) with an empty one in the same wasm instance. Freeing a
   * runtime that still holds objects (QuickJS asserts its object list is empty, e.g. after an
   * interrupted promise-job loop) aborts the whole instance; a fresh instance replaces it then.
   */
  private async replaceRuntime(): Promise<void> {
    try {
      this.disposeRealm();
      this.runtime.dispose();
      this.newRuntime();
    } catch {
      await this.boot();
    }
  }

  private newRealm(): Realm {
    const ctx = this.runtime.newContext();
    const bridge = newHostBridgeHandle(ctx, {
      write: (stream, text) => this.current?.output.write(stream === 1 ? 'stderr' : 'stdout', text) ?? 0,
      toolNames: this.toolNames,
      network: this.network,
      callHost: (kind, name, args) => this.current?.callHost(kind, name, args) ?? Promise.reject(new Error('the host can only be called during a run')),
    });
    const wrapped = `(function(){${guestRuntimeSource}\nreturn __aiSandboxGuest.install;})()`;
    const install = ctx.evalCode(wrapped, RUNTIME_FILE, { type: 'global', strict: true }).unwrap();
    const control = ctx.callFunction(install, ctx.undefined, bridge).unwrap();
    install.dispose();
    bridge.dispose();
    const names = ['beginRun', 'describe', 'describeError', 'nextTimerDelay', 'runNextTimer', 'clearTimers'] as const;
    const fns = Object.fromEntries(names.map((n) => [n, ctx.getProp(control, n)])) as Realm['fns'];
    return { ctx, control, fns };
  }

  private disposeRealm(): void {
    const { ctx, control, fns } = this.realm;
    for (const h of Object.values(fns)) h.dispose();
    control.dispose();
    ctx.dispose();
  }

  /** Calls a control function; returns its result handle or throws the guest error as a RunError. */
  private call(fn: QuickJSHandle, ...args: QuickJSHandle[]): QuickJSHandle {
    const { ctx } = this.realm;
    const result = ctx.callFunction(fn, ctx.undefined, ...args);
    if (result.error) {
      const error = this.describeError(result.error);
      result.error.dispose();
      throw error;
    }
    return result.value;
  }

  /**
   * Runs `fn` with a little memory above the guest's limit, so an out-of-memory error or a value
   * can still be described when the guest has used everything.
   */
  private withHeadroom<T>(fn: () => T): T {
    this.runtime.setMemoryLimit(this.memoryLimitBytes + DESCRIBE_HEADROOM_BYTES);
    try {
      return fn();
    } finally {
      this.runtime.setMemoryLimit(this.memoryLimitBytes);
    }
  }

  private describeError(handle: QuickJSHandle): RunError {
    // Out of memory while throwing, QuickJS throws null: with the wasm memory grown past the
    // guest's limit, that is what it means.
    const { ctx } = this.realm;
    if (ctx.typeof(handle) === 'object' && ctx.dump(handle) === null && this.wasmMemory.buffer.byteLength >= this.memoryLimitBytes) {
      return { name: 'InternalError', message: 'out of memory' };
    }
    return this.withHeadroom(() => this.describeErrorNow(handle));
  }

  private describeErrorNow(handle: QuickJSHandle): RunError {
    const { ctx, fns } = this.realm;
    const result = ctx.callFunction(fns.describeError, ctx.undefined, handle);
    if (result.error) {
      result.error.dispose();
      // Describing fails when not even a small object can be allocated any more.
      if (this.wasmMemoryExhausted()) return { name: 'InternalError', message: 'out of memory' };
      return { name: 'Error', message: 'the thrown value could not be described' };
    }
    const json = ctx.getString(result.value);
    result.value.dispose();
    return JSON.parse(json) as RunError;
  }

  async run(request: RunRequest, context: RunContext): Promise<Outcome> {
    const { ctx, fns } = this.realm;
    const deadline = performance.now() + request.timeoutMs;
    let stop: 'timeout' | 'aborted' | undefined;
    this.runtime.setInterruptHandler(() => {
      if (stop) return true;
      if (context.cancelled || (this.interrupt && Atomics.load(this.interrupt, 0) === request.runSeq)) stop = 'aborted';
      else if (performance.now() > deadline) stop = 'timeout';
      return stop !== undefined;
    });
    this.current = context;
    const max = ctx.newNumber(request.maxOutputBytes);
    this.call(fns.beginRun, max).dispose();
    max.dispose();

    let outcome: Outcome;
    try {
      outcome = await this.evaluate(request, context, deadline, () => stop, (s) => (stop = s));
    } catch (error) {
      if (!isRunError(error)) {
        // The wasm trapped, or the browser's own stack ran out inside it (deeply nested data can
        // get there before QuickJS's stack check). This instance can no longer be trusted: boot a
        // new one. The guest's state is gone.
        this.current = undefined;
        await this.boot();
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof RangeError && /call stack/i.test(message)) {
          return { status: 'error', stateLost: true, error: { name: 'InternalError', message: 'stack overflow (too deeply nested for the engine; it was restarted)' } };
        }
        return { status: 'crashed', stateLost: true, error: { name: 'EngineError', message: `the engine failed (${message}) and was restarted` } };
      }
      // A RunError thrown by a control call (e.g. interrupted while converting the value).
      outcome = this.errorOutcome(error, stop);
    } finally {
      this.current = undefined;
    }
    let recovery = await this.settleAfterRun();
    if (outcome.status === 'memory' && !recovery.stateLost) recovery = await this.recoverFromMemoryPressure();
    this.runtime.setInterruptHandler(() => false);
    return { ...outcome, ...recovery };
  }

  private async evaluate(
    request: RunRequest,
    context: RunContext,
    deadline: number,
    stopped: () => 'timeout' | 'aborted' | undefined,
    setStop: (s: 'timeout' | 'aborted') => void,
  ): Promise<Outcome> {
    const { ctx, fns } = this.realm;
    const evaluated = ctx.evalCode(request.code, USER_FILE, EVAL_GLOBAL_ASYNC);
    if (evaluated.error) {
      const error = this.describeError(evaluated.error);
      evaluated.error.dispose();
      return this.errorOutcome(error, stopped());
    }
    const promise = evaluated.value;
    try {
      for (;;) {
        const jobs = this.runtime.executePendingJobs();
        if (jobs.error) {
          const error = this.describeError(jobs.error);
          jobs.error.dispose();
          return this.errorOutcome(error, stopped());
        }
        const stop = stopped();
        if (stop) return this.errorOutcome({ name: 'InternalError', message: 'interrupted' }, stop);
        const state = ctx.getPromiseState(promise);
        const delayHandle = this.call(fns.nextTimerDelay);
        const delay = ctx.getNumber(delayHandle);
        delayHandle.dispose();
        // Like a Node script, the run goes on while timers or host calls (tools) are pending.
        const waitingTools = context.hostCallsWaiting();
        const busy = delay >= 0 || waitingTools > 0;
        if (state.type === 'fulfilled') {
          if (!busy) {
            const last = ctx.getProp(state.value, 'value');
            state.value.dispose();
            try {
              return this.valueOutcome(last, request.maxValueBytes);
            } finally {
              last.dispose();
            }
          }
          state.value.dispose();
        } else if (state.type === 'rejected') {
          const error = this.describeError(state.error);
          state.error.dispose();
          return this.errorOutcome(error, stopped());
        } else if (!busy && !this.runtime.hasPendingJob()) {
          return {
            status: 'error',
            error: {
              name: 'Error',
              message: 'Top-level await never settled: the code awaits a promise that nothing will resolve',
            },
          };
        }
        if (delay > 0 || (delay < 0 && waitingTools > 0)) {
          const left = deadline - performance.now();
          if (left <= 0) return this.errorOutcome({ name: 'InternalError', message: 'interrupted' }, 'timeout');
          const wake = waitingTools > 0 ? Promise.race([context.whenCancelled, context.nextHostReply()]) : context.whenCancelled;
          await sleep(delay < 0 ? left : Math.min(delay, left), wake);
          if (context.cancelled) setStop('aborted');
          if (performance.now() > deadline) setStop('timeout');
          const s = stopped();
          if (s) return this.errorOutcome({ name: 'InternalError', message: 'interrupted' }, s);
        }
        // A throwing timer callback ends the run, as an uncaught exception ends a Node script.
        this.call(fns.runNextTimer).dispose();
      }
    } finally {
      promise.dispose();
    }
  }

  private valueOutcome(value: QuickJSHandle, maxValueBytes: number): Outcome {
    const { ctx, fns } = this.realm;
    const max = ctx.newNumber(maxValueBytes);
    const json = this.withHeadroom(() => this.call(fns.describe, value, max));
    max.dispose();
    const described = JSON.parse(ctx.getString(json)) as Described;
    json.dispose();
    const outcome: Outcome = { status: 'ok' };
    if (described.v !== undefined) outcome.value = described.v;
    if (described.t !== undefined) outcome.text = described.t;
    if (described.x) outcome.truncated = true;
    return outcome;
  }

  private errorOutcome(error: RunError, stop: 'timeout' | 'aborted' | undefined): Outcome {
    let status: RunStatus = 'error';
    if (error.name === 'InternalError' && error.message === 'interrupted') status = stop ?? 'timeout';
    else if (/^(out of memory|string too long)$/.test(error.message) || error.name === 'MemoryError') status = 'memory';
    if (status === 'timeout') error = { name: 'TimeoutError', message: 'the run passed its time limit and was stopped' };
    if (status === 'aborted') error = { name: 'AbortError', message: 'the run was aborted' };
    if (status === 'memory') error = { ...error, message: `${error.message} (memory limit ${Math.round(this.memoryLimitBytes / 1048576)} MB)` };
    return { status, error };
  }

  /**
   * Ends what the run left behind: its timers, and promise jobs still queued by an interrupted
   * loop such as `for(;;) await 0`. If jobs keep coming, the runtime is replaced.
   */
  private async settleAfterRun(): Promise<{ stateLost?: true }> {
    const { ctx, fns } = this.realm;
    const clear = ctx.callFunction(fns.clearTimers, ctx.undefined);
    if (clear.error) clear.error.dispose();
    else clear.value.dispose();
    this.runtime.setInterruptHandler(() => true);
    for (let i = 0; i < 100 && this.runtime.hasPendingJob(); i++) {
      const r = this.runtime.executePendingJobs(1000);
      if (r.error) r.error.dispose();
    }
    if (this.runtime.hasPendingJob()) {
      await this.replaceRuntime();
      return { stateLost: true };
    }
    return {};
  }

  /**
   * True when the wasm memory has grown to (nearly) its cap: the allocator's fragmentation can
   * get there before QuickJS's own count reaches the limit, and then every allocation fails.
   */
  private wasmMemoryExhausted(): boolean {
    return this.wasmMemory.buffer.byteLength >= 0.9 * this.wasmMaxBytes;
  }

  /** After running out of memory: if the guest still holds most of it, start clean. */
  private async recoverFromMemoryPressure(): Promise<{ stateLost?: true }> {
    if (this.wasmMemoryExhausted()) {
      await this.replaceRuntime();
      return { stateLost: true };
    }
    const { ctx } = this.realm;
    const usage = this.runtime.computeMemoryUsage();
    const usedHandle = ctx.getProp(usage, 'memory_used_size');
    const used = ctx.getNumber(usedHandle);
    usedHandle.dispose();
    usage.dispose();
    if (used < this.memoryLimitBytes * 0.75) return {};
    await this.replaceRuntime();
    return { stateLost: true };
  }

  memoryBytes(): number {
    return this.wasmMemory.buffer.byteLength;
  }

  async reset(): Promise<void> {
    this.disposeRealm();
    this.realm = this.newRealm();
  }

  dispose(): void {
    try {
      this.disposeRealm();
      this.runtime.dispose();
    } catch {
      // A trapped instance may fail to free itself; dropping it is enough.
    }
  }
}
