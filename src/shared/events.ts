/**
 * Audit events: what a sandbox did, for an app to log or show. Every event has the time it
 * happened (`Date.now()`) and, when it belongs to a run, that run's number (`runSeq`, counting
 * from 1 per sandbox). Events are plain data.
 */
import type { Language, RunStatus } from './types.js';

/** What every event carries. */
export interface SandboxEventBase {
  /** Milliseconds since the epoch. */
  time: number;
  /** The run this event belongs to, if any. */
  runSeq?: number;
}

/**
 * Who asked for a Python install: the app (`start`: its `packages`; `call`: `installPackages`) or
 * guest code (`imports`: autoInstall, from the code's imports; `micropip`: `micropip.install`).
 */
export type InstallReason = 'start' | 'call' | 'imports' | 'micropip';

/** Why a sandbox's engine was replaced. */
export type RestartReason = 'timeout' | 'aborted' | 'crashed';

/**
 * Which limit a run hit: its time, memory, output or value caps; `messages` when the worker sent
 * more messages than any honest engine does (it is stopped); `host-calls` when the guest asked for
 * more tool calls or network requests than a run may make (the rest were refused).
 */
export type LimitName = 'timeout' | 'memory' | 'output' | 'value' | 'messages' | 'host-calls';

/** Every event a sandbox reports through `onEvent`. */
export type SandboxEvent =
  | (SandboxEventBase & { type: 'sandbox-created'; language: Language })
  /** An engine is ready: the first one, or a replacement. */
  | (SandboxEventBase & { type: 'sandbox-ready'; startMs: number; /** Python: started from a memory snapshot. */ fromSnapshot?: boolean })
  /** Python with `snapshot`: a memory snapshot was made in the background; later starts use it. */
  | (SandboxEventBase & { type: 'snapshot-made'; bytes: number; durationMs: number })
  /**
   * Python packages were installed (dependencies included): at start, by `installPackages`, for a
   * run's imports (`autoInstall`), or by the run's code (`micropip`). Distribution packages by name, wheels by URL, and those resolved
   * on `pypiIndexUrl` as `name==version`.
   */
  | (SandboxEventBase & { type: 'packages-installed'; packages: string[]; reason: InstallReason; runSeq?: number })
  /**
   * One install request, whoever made it, as the host decided it: refused (`allowed: false`, by
   * `allowPackages`, the network rule or a per-run cap), failed (`ok: false`), or done (`ok: true`,
   * with the projects it brought and the wheel bytes fetched). `requested` is what was asked, as
   * asked (guest text for `micropip`, each name cut at 200 characters).
   */
  | (SandboxEventBase & {
      type: 'package-request';
      reason: InstallReason;
      requested: string[];
      allowed: boolean;
      ok?: boolean;
      error?: string;
      projects?: number;
      bytes?: number;
    })
  /**
   * The engine was replaced: state is lost. `message` is the host's or the frame's own account
   * (where it repeats what a dying worker said, that is quoted and cut at 200 bytes); `detail`,
   * when present, is what the engine reported about its own failure: guest-controlled text, at
   * most 200 bytes, never a guarantee.
   */
  | (SandboxEventBase & { type: 'sandbox-restarted'; reason: RestartReason; message: string; detail?: string })
  | (SandboxEventBase & { type: 'sandbox-disposed' })
  | (SandboxEventBase & { type: 'run-started'; runSeq: number; codeBytes: number })
  | (SandboxEventBase & {
      type: 'run-finished';
      runSeq: number;
      status: RunStatus;
      durationMs: number;
      stdoutBytes: number;
      stderrBytes: number;
      stateLost: boolean;
      /** The engine's wasm memory after the run, a high-water mark (absent when the engine did not answer). */
      peakMemoryBytes?: number;
    })
  | (SandboxEventBase & { type: 'limit-hit'; runSeq: number; limit: LimitName })
  /** A network request: refused by the policy (`allowed: false`), or performed by the host. */
  | (SandboxEventBase & { type: 'network'; runSeq: number; url: string; method: string; allowed: boolean; status?: number; error?: string })
  /** The guest called a host tool. `error` is the message when it failed or was refused. */
  | (SandboxEventBase & { type: 'tool-call'; runSeq: number; name: string; durationMs: number; ok: boolean; error?: string })
  /**
   * Messages that failed validation at a boundary were dropped (nothing acted on them): `count` of
   * them since the last such event, `reason` for the first. Reported at most a few times a second.
   */
  | (SandboxEventBase & { type: 'message-dropped'; channel: 'worker' | 'frame'; count: number; reason: string });

/** An event before it is stamped with its time (what the library's parts report). */
export type SandboxEventInput = SandboxEvent extends infer E ? (E extends unknown ? Omit<E, 'time'> : never) : never;

/** The event types, for exhaustive handling. */
export type SandboxEventType = SandboxEvent['type'];
