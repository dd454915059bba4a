/**
 * `ai-sandbox/react`: `useSandbox`, a React hook (`react`, an optional peer dependency) that owns
 * one sandbox for the component's lifetime:
 *
 * ```tsx
 * import { createSandbox } from 'ai-sandbox/python';
 * import { useSandbox } from 'ai-sandbox/react';
 *
 * function Cell() {
 *   const { status, progress, run } = useSandbox(createSandbox, { language: 'python' });
 *   return <button disabled={status === 'running'} onClick={() => run('1 + 1').then(console.log)}>Run</button>;
 * }
 * ```
 *
 * The hook takes the `createSandbox` of the entry point the app imports, so that the app bundles
 * only the engines it uses. It starts the sandbox at the first `run()` (or at mount with `eager`),
 * disposes it on unmount, and survives StrictMode's mount, unmount and mount again without leaving
 * a frame behind. Options are read when the sandbox starts; later changes apply after `reset()`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProgressEvent, RunOptions, RunResult, Sandbox, SandboxOptions } from '../shared/types.js';

/** Where the hook's sandbox is: not started, starting, idle, running code, failed to start. */
export type SandboxStatus = 'idle' | 'starting' | 'ready' | 'running' | 'error';

/** Options of {@link useSandbox}: the sandbox's, and when to start it. */
export interface UseSandboxOptions extends SandboxOptions {
  /** Start the sandbox at mount instead of at the first `run()` (default false). */
  eager?: boolean;
}

/** What {@link useSandbox} returns. */
export interface UseSandbox {
  status: SandboxStatus;
  /** The latest start-up progress (Python takes seconds: show it). */
  progress: ProgressEvent | undefined;
  /** Why the sandbox did not start (status `error`); the next `run()` tries again. */
  error: Error | undefined;
  /**
   * Runs code, starting the sandbox first if needed. Called before the component has mounted (from
   * a child's effect, which React runs before its parent's), it waits for the mount. Rejects if the
   * sandbox cannot start or the component has unmounted.
   */
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** Disposes the sandbox; the next `run()` starts a fresh one with the current options. */
  reset(): Promise<void>;
}

/** What one component's hook owns across its renders. */
interface Owned {
  /** The current sandbox (starting or started). */
  sandbox: Promise<Sandbox> | undefined;
  /** Runs in flight. */
  running: number;
  /** Rendered but not yet mounted, mounted, or unmounted (StrictMode unmounts and mounts again at once). */
  phase: 'rendered' | 'mounted' | 'unmounted';
  /** Settles at the first mount: runs called before it wait for it. */
  mounted: Promise<void>;
  markMounted(): void;
}

/** A fresh {@link Owned}: nothing started, not yet mounted. */
function owned(): Owned {
  let markMounted = (): void => {};
  const mounted = new Promise<void>((resolve) => (markMounted = resolve));
  return { sandbox: undefined, running: 0, phase: 'rendered', mounted, markMounted };
}

/** A sandbox owned by the calling component. See the module's documentation. */
export function useSandbox(createSandbox: (options: SandboxOptions) => Promise<Sandbox>, options: UseSandboxOptions): UseSandbox {
  const [status, setStatus] = useState<SandboxStatus>('idle');
  const [progress, setProgress] = useState<ProgressEvent | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const latest = useRef({ createSandbox, options });
  latest.current = { createSandbox, options };
  const [state] = useState(owned);

  const start = useCallback((): Promise<Sandbox> => {
    if (state.sandbox) return state.sandbox;
    const { createSandbox: create, options: current } = latest.current;
    const { eager: _eager, ...sandboxOptions } = current;
    setStatus('starting');
    setError(undefined);
    const starting = create({
      ...sandboxOptions,
      onProgress: (event) => {
        if (state.sandbox === starting) setProgress(event);
        current.onProgress?.(event);
      },
    });
    state.sandbox = starting;
    starting.then(
      () => {
        if (state.sandbox === starting) setStatus(state.running > 0 ? 'running' : 'ready');
      },
      (reason: unknown) => {
        if (state.sandbox !== starting) return;
        state.sandbox = undefined;
        setStatus('error');
        setError(reason instanceof Error ? reason : new Error(String(reason)));
      },
    );
    return starting;
  }, [state]);

  const release = useCallback((): Promise<void> => {
    const sandbox = state.sandbox;
    state.sandbox = undefined;
    return sandbox ? sandbox.then((s) => s.dispose(), () => {}) : Promise.resolve();
  }, [state]);

  useEffect(() => {
    state.phase = 'mounted';
    state.markMounted();
    if (latest.current.options.eager) void start().catch(() => {});
    return () => {
      // StrictMode unmounts and mounts again at once: whatever this mount started is disposed,
      // and the next mount starts its own.
      state.phase = 'unmounted';
      void release();
      setStatus('idle');
      setProgress(undefined);
    };
  }, [state, start, release]);

  const run = useCallback(
    async (code: string, runOptions?: RunOptions): Promise<RunResult> => {
      // A child's effect runs before its parent's: before the first mount, and during StrictMode's
      // unmount-and-mount-again (which ends in the same task), wait for the mount.
      if (state.phase === 'rendered') await state.mounted;
      else if (state.phase === 'unmounted') await Promise.resolve();
      if (state.phase !== 'mounted') throw new Error('useSandbox: the component is not mounted');
      const starting = start();
      const sandbox = await starting;
      state.running += 1;
      setStatus('running');
      try {
        return await sandbox.run(code, runOptions);
      } finally {
        state.running -= 1;
        if (state.sandbox === starting && state.running === 0) setStatus('ready');
      }
    },
    [state, start],
  );

  const reset = useCallback(async (): Promise<void> => {
    await release();
    if (state.phase === 'mounted') {
      setStatus('idle');
      setProgress(undefined);
    }
  }, [state, release]);

  return { status, progress, error, run, reset };
}
