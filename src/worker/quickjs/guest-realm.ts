/**
 * One QuickJS context with the guest runtime installed in it: the globals guest code sees, and the
 * control functions the worker drives runs with (never placed on the guest's global object). The
 * realm owns its context and handles; `dispose()` frees them all.
 *
 * Guest code shares this realm and can replace its globals, so whatever the control functions
 * return is read defensively here: own data properties one at a time, strings only after their
 * length was checked, never a conversion that could run guest code.
 */
import { Scope, type QuickJSContext, type QuickJSDeferredPromise, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten-core';
import guestRuntimeSource from 'virtual:guest-runtime';
import type { RunError } from '../../shared/types.js';
import { RUNTIME_FILE } from '../../shared/guest-files.js';
import { newHostBridgeHandle, type BridgeTarget } from './host-functions.js';

/** Longest string field the worker copies out of the guest; longer ones are cut or left out. */
const MAX_FIELD_CHARS = 4 * 1024 * 1024;

const CONTROL = ['beginRun', 'describe', 'describeError', 'nextTimerDelay', 'runNextTimer', 'clearTimers'] as const;
type ControlName = (typeof CONTROL)[number];

/** A value as the runtime described it, read back safely. */
export interface RealmDescription {
  valueJson?: string;
  text?: string;
  truncated: boolean;
}

/** The guest runtime in one context. */
export class GuestRealm {
  readonly ctx: QuickJSContext;
  private readonly scope = new Scope();
  private readonly fns: Record<ControlName, QuickJSHandle>;
  /** Host calls the host has not answered: their promises hold handles of this context. */
  private readonly pendingCalls = new Set<QuickJSDeferredPromise>();

  constructor(runtime: QuickJSRuntime, bridge: BridgeTarget) {
    this.ctx = this.scope.manage(runtime.newContext());
    const { ctx, scope } = this;
    const wrapped = `(function(){${guestRuntimeSource}\nreturn __aiSandboxGuest.install;})()`;
    const control = Scope.withScope((local) => {
      const install = local.manage(ctx.evalCode(wrapped, RUNTIME_FILE, { type: 'global', strict: true }).unwrap());
      const handle = local.manage(newHostBridgeHandle(ctx, bridge, this.pendingCalls));
      return scope.manage(ctx.callFunction(install, ctx.undefined, handle).unwrap());
    });
    this.fns = Object.fromEntries(CONTROL.map((name) => [name, scope.manage(ctx.getProp(control, name))])) as Record<ControlName, QuickJSHandle>;
  }

  /**
   * Calls a control function. Returns its result handle (the caller owns it); a guest exception
   * thrown out of it (a timer's callback, an interrupt) is thrown as the raw handle wrapped in
   * {@link ThrownHandle}, for the engine to describe.
   */
  call(name: ControlName, ...args: QuickJSHandle[]): QuickJSHandle {
    const result = this.ctx.callFunction(this.fns[name], this.ctx.undefined, ...args);
    if (result.error) throw new ThrownHandle(result.error);
    return result.value;
  }

  /** Starts a run: the runtime cuts output beyond `maxOutputBytes` per stream. */
  beginRun(maxOutputBytes: number): void {
    Scope.withScope((scope) => {
      scope.manage(this.call('beginRun', scope.manage(this.ctx.newNumber(maxOutputBytes))));
    });
  }

  /** Milliseconds until the next timer is due, or -1 when none is pending. */
  nextTimerDelay(): number {
    return this.call('nextTimerDelay').consume((h) => (this.ctx.typeof(h) === 'number' ? this.ctx.getNumber(h) : -1));
  }

  /** Runs the earliest timer if due; throws {@link ThrownHandle} with what its callback threw. */
  runNextTimer(): void {
    this.call('runNextTimer').dispose();
  }

  /** Cancels every timer; nothing a guest does can make this fail. */
  clearTimers(): void {
    const result = this.ctx.callFunction(this.fns.clearTimers, this.ctx.undefined);
    (result.error ?? result.value).dispose();
  }

  /** Describes a value within `maxBytes`. Throws {@link ThrownHandle} if describing threw. */
  describe(value: QuickJSHandle, maxBytes: number): RealmDescription {
    return Scope.withScope((scope) => {
      const described = scope.manage(this.call('describe', value, scope.manage(this.ctx.newNumber(maxBytes))));
      const out: RealmDescription = { truncated: this.readBoolean(described, 'truncated') };
      const valueJson = this.readString(described, 'valueJson');
      const text = this.readString(described, 'text');
      if (valueJson === null || text === null) out.truncated = true;
      if (typeof valueJson === 'string') out.valueJson = valueJson;
      if (typeof text === 'string') out.text = text;
      return out;
    });
  }

  /** Describes a thrown value; undefined when describing it failed (e.g. no memory was left). */
  describeError(thrown: QuickJSHandle): RunError | undefined {
    const result = this.ctx.callFunction(this.fns.describeError, this.ctx.undefined, thrown);
    if (result.error) {
      result.error.dispose();
      return undefined;
    }
    return result.value.consume((described) => {
      const name = this.readString(described, 'name');
      const message = this.readString(described, 'message');
      const stack = this.readString(described, 'stack');
      const line = Scope.withScope((scope) => {
        const h = scope.manage(this.ctx.getProp(described, 'line'));
        return this.ctx.typeof(h) === 'number' ? this.ctx.getNumber(h) : undefined;
      });
      const error: RunError = { name: name || 'Error', message: message ?? '' };
      if (stack) error.stack = stack;
      if (line !== undefined && Number.isSafeInteger(line) && line > 0) error.line = line;
      return error;
    });
  }

  /**
   * A string property of a description: undefined when absent or not a string, null when longer
   * than the worker copies (the guest replaced what produced it; the frame would cut it anyway).
   */
  private readString(object: QuickJSHandle, key: string): string | undefined | null {
    return Scope.withScope((scope) => {
      const h = scope.manage(this.ctx.getProp(object, key));
      if (this.ctx.typeof(h) !== 'string') return undefined;
      const length = this.ctx.getNumber(scope.manage(this.ctx.getProp(h, 'length')));
      return length > MAX_FIELD_CHARS ? null : this.ctx.getString(h);
    });
  }

  private readBoolean(object: QuickJSHandle, key: string): boolean {
    return Scope.withScope((scope) => {
      const h = scope.manage(this.ctx.getProp(object, key));
      return this.ctx.typeof(h) === 'boolean' && this.ctx.dump(h) === true;
    });
  }

  dispose(): void {
    for (const deferred of this.pendingCalls) deferred.dispose();
    this.pendingCalls.clear();
    this.scope.dispose();
  }
}

/** A guest exception out of a control function or the script; the catcher owns the handle. */
export class ThrownHandle extends Error {
  constructor(readonly handle: QuickJSHandle) {
    super('the guest threw');
    this.name = 'ThrownHandle';
  }
}
