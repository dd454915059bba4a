/**
 * JavaScript in QuickJS (quickjs-emscripten). Code is evaluated as a global script with
 * top-level await allowed (QuickJS's JS_EVAL_FLAG_ASYNC), so declarations persist across runs and
 * the last expression is the run's value; event-loop.ts drives it until it settles.
 *
 * Limits: the interrupt handler (deadline, host cancel, shared interrupt slot), QuickJS's memory
 * limit plus a hard cap on the wasm memory's growth, and a stack limit small enough that QuickJS
 * reports the overflow before the browser's own stack runs out.
 *
 * A QuickJS guest cannot reach the worker's JavaScript realm, so this engine's own account of a
 * run is trustworthy; what the guest's runtime describes is read defensively (see guest-realm.ts).
 */
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { EngineOutcome, RunRequest } from '../../shared/protocol.js';
import type { RunError } from '../../shared/types.js';
import { runError } from '../../shared/run-errors.js';
import { USER_FILE } from '../../shared/guest-files.js';
import { GuestError, GuestInterrupted, INTERRUPTED, type Engine, type EngineInit, type EngineRunResult, type RunContext } from '../engine.js';
import { driveToCompletion, type StopState } from './event-loop.js';
import { GuestRealm, ThrownHandle } from './guest-realm.js';
import type { BridgeTarget } from './host-functions.js';

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
/** How long the jobs an interrupted run left may take to drain before its runtime is replaced instead. */
const SETTLE_MS = 50;
/** QuickJS's own messages when an allocation or a string outgrows what it allows. */
const MEMORY_MESSAGES = /^(out of memory|string too long)$/;

const OUT_OF_MEMORY: RunError = { name: 'InternalError', message: 'out of memory' };

/** A QuickJS runtime and its guest realm. Owned by the worker; `dispose()` frees it. */
export class QuickJsEngine implements Engine {
  private module!: QuickJSWASMModule;
  private wasmMemory!: WebAssembly.Memory;
  private wasmMaxBytes = 0;
  private runtime!: QuickJSRuntime;
  private realm!: GuestRealm;
  /** The run in progress: where the guest's output and tool calls go. */
  private current: RunContext | undefined;
  private readonly bridge: BridgeTarget;

  private constructor(
    private readonly wasmModule: WebAssembly.Module,
    private readonly memoryLimitBytes: number,
    toolNames: string[],
    network: boolean,
    /** Slot 0: the number of the run the frame was asked to stop. */
    private readonly interrupt: Int32Array | undefined,
  ) {
    this.bridge = {
      write: (stream, text) => this.current?.output.write(stream === 1 ? 'stderr' : 'stdout', text) ?? 0,
      toolNames,
      network,
      callHost: (kind, name, args) => this.current?.callHost(kind, name, args) ?? Promise.reject(new Error('the host can only be called during a run')),
    };
  }

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
    this.realm = new GuestRealm(this.runtime, this.bridge);
  }

  /**
   * Replaces the runtime (and its realm) with an empty one in the same wasm instance. Every handle
   * into the old one is disposed first: QuickJS asserts, when a runtime is freed, that no object
   * outlives it, and the assertion aborts the whole wasm instance. QuickJS itself can leave objects
   * behind after a storm of interrupted promise jobs, so a fresh instance is the fallback.
   */
  private async replaceRuntime(): Promise<void> {
    try {
      this.realm.dispose();
      this.runtime.dispose();
      this.newRuntime();
    } catch {
      await this.boot();
    }
  }

  async run(request: RunRequest, context: RunContext): Promise<EngineRunResult> {
    const deadline = performance.now() + request.timeoutMs;
    const stop: StopState = {
      fired: false,
      check: () => {
        if (!stop.fired && (context.cancelled || performance.now() > deadline || (this.interrupt && Atomics.load(this.interrupt, 0) === request.runSeq))) stop.fired = true;
        return stop.fired;
      },
    };
    this.runtime.setInterruptHandler(stop.check);
    this.current = context;
    let outcome: EngineOutcome | undefined;
    let trap: unknown;
    try {
      this.realm.beginRun(request.maxOutputBytes);
      outcome = await this.evaluate(request, context, deadline, stop);
    } catch (error) {
      try {
        outcome = this.outcomeOf(error, stop);
      } catch (inner) {
        trap = inner; // describing what the guest threw broke the instance
      }
      if (!outcome) trap ??= error;
    } finally {
      this.current = undefined;
    }
    if (!outcome) return this.recoverFromTrap(trap);
    // However the guest ended, an interrupt that fired is what stopped it.
    if (stop.fired) outcome = { kind: 'interrupted', error: INTERRUPTED };
    const stateLost = await this.cleanUpAfter(outcome);
    this.runtime.setInterruptHandler(() => false);
    return stateLost ? { outcome, stateLost } : { outcome };
  }

  /** Ends what the run left and frees memory it still holds; true when the guest's state was lost. */
  private async cleanUpAfter(outcome: EngineOutcome): Promise<boolean> {
    try {
      if (await this.settleAfterRun(outcome)) return true;
      return outcome.kind === 'threw' && outcome.memory === true && (await this.recoverFromMemoryPressure());
    } catch {
      // The instance broke while ending a storm of promise jobs (QuickJS aborted): a fresh one.
      await this.boot();
      return true;
    }
  }

  private async evaluate(request: RunRequest, context: RunContext, deadline: number, stop: StopState): Promise<EngineOutcome> {
    const { ctx } = this.realm;
    const evaluated = ctx.evalCode(request.code, USER_FILE, EVAL_GLOBAL_ASYNC);
    if (evaluated.error) throw new ThrownHandle(evaluated.error);
    const script = evaluated.value;
    let value: QuickJSHandle;
    try {
      value = await driveToCompletion(script, this.runtime, this.realm, context, deadline, stop);
    } finally {
      script.dispose();
    }
    return value.consume((v) => {
      const described = this.withHeadroom(() => this.realm.describe(v, request.maxValueBytes));
      const outcome: EngineOutcome = { kind: 'returned' };
      if (described.valueJson !== undefined) outcome.valueJson = described.valueJson;
      if (described.text !== undefined) outcome.text = described.text;
      if (described.truncated) outcome.truncated = true;
      return outcome;
    });
  }

  /** What an exception out of a run means; undefined when the engine itself broke. */
  private outcomeOf(error: unknown, stop: StopState): EngineOutcome | undefined {
    if (error instanceof GuestInterrupted) return { kind: 'interrupted', error: INTERRUPTED };
    if (error instanceof GuestError) return { kind: 'threw', error: error.error };
    if (!(error instanceof ThrownHandle)) return undefined;
    return error.handle.consume((thrown) => {
      if (stop.fired) return { kind: 'interrupted', error: INTERRUPTED };
      const described = this.describeThrown(thrown);
      if (!MEMORY_MESSAGES.test(described.message) || described.name !== 'InternalError') return { kind: 'threw', error: described };
      const limit = Math.round(this.memoryLimitBytes / 1048576);
      return { kind: 'threw', memory: true, error: { ...described, message: `${described.message} (memory limit ${limit} MB)` } };
    });
  }

  private describeThrown(thrown: QuickJSHandle): RunError {
    // Out of memory while throwing, QuickJS throws null: with the wasm memory grown past the
    // guest's limit, that is what it means.
    const { ctx } = this.realm;
    if (ctx.sameValue(thrown, ctx.null) && this.wasmMemory.buffer.byteLength >= this.memoryLimitBytes) return OUT_OF_MEMORY;
    const described = this.withHeadroom(() => this.realm.describeError(thrown));
    if (described) return described;
    // Describing fails when not even a small object can be allocated any more.
    return this.wasmMemoryExhausted() ? OUT_OF_MEMORY : { name: 'Error', message: 'the thrown value could not be described' };
  }

  /**
   * The wasm trapped, or the browser's own stack ran out inside it (deeply nested data can get
   * there before QuickJS's stack check). This instance cannot be trusted again: a new one boots,
   * and the guest's state is gone.
   */
  private async recoverFromTrap(error: unknown): Promise<EngineRunResult> {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof RangeError && /call stack/i.test(message))) {
      return { outcome: { kind: 'failed', error: runError('engine', `the engine failed (${message.slice(0, 500)})`) } };
    }
    await this.boot();
    return { outcome: { kind: 'threw', error: { name: 'InternalError', message: 'stack overflow (too deeply nested for the engine; it was restarted)' } }, stateLost: true };
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

  /**
   * Ends what the run left behind: its timers, and promise jobs still queued by an interrupted
   * loop such as `for(;;) await 0`. If jobs keep coming, the runtime is replaced. True when the
   * guest's state was lost.
   */
  private async settleAfterRun(outcome: EngineOutcome): Promise<boolean> {
    this.realm.clearTimers();
    this.runtime.setInterruptHandler(() => true);
    // Bounded in time: a storm of jobs that double is replaced, not drained. One job at a time, so
    // the budget is checked between jobs: at the memory limit one job can take seconds (each
    // allocation collects a heap of millions of queued promises; a Node run once spent 14 minutes
    // in one call of 100), and then nothing is drained at all.
    const atLimit = (outcome.kind === 'threw' && outcome.memory === true) || this.wasmMemoryExhausted();
    const until = performance.now() + SETTLE_MS;
    while (!atLimit && this.runtime.hasPendingJob() && performance.now() < until) {
      this.runtime.executePendingJobs(1).error?.dispose();
    }
    if (!this.runtime.hasPendingJob()) return false;
    await this.replaceRuntime();
    return true;
  }

  /**
   * True when the wasm memory has grown to (nearly) its cap: the allocator's fragmentation can
   * get there before QuickJS's own count reaches the limit, and then every allocation fails.
   */
  private wasmMemoryExhausted(): boolean {
    return this.wasmMemory.buffer.byteLength >= 0.9 * this.wasmMaxBytes;
  }

  /** After running out of memory: if the guest still holds most of it, start clean. */
  private async recoverFromMemoryPressure(): Promise<boolean> {
    if (!this.wasmMemoryExhausted()) {
      const { ctx } = this.realm;
      const used = this.runtime.computeMemoryUsage().consume((usage) => ctx.getProp(usage, 'memory_used_size').consume((h) => ctx.getNumber(h)));
      if (used < this.memoryLimitBytes * 0.75) return false;
    }
    await this.replaceRuntime();
    return true;
  }

  memoryBytes(): number {
    return this.wasmMemory.buffer.byteLength;
  }

  /**
   * Fresh globals in a fresh runtime. A QuickJS guest can only ever touch its own runtime's
   * objects (never the worker's realm), so a new runtime leaves nothing of the last behind: no
   * globals, no changed built-ins, no queued jobs, no timers.
   */
  async reset(): Promise<void> {
    await this.replaceRuntime();
  }

  dispose(): void {
    try {
      this.realm.dispose();
      this.runtime.dispose();
    } catch {
      // A trapped instance may fail to free itself; dropping it is enough.
    }
  }
}
