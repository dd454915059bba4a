/**
 * How a run ends on paths the browser suites reach only by timing: an engine that throws, an abort
 * that comes before the run is sent, a session that ends. Node, with a stand-in engine and session.
 */
import { describe, expect, it } from 'vitest';
import { raceRun } from '../../../src/host/run-race.js';
import { SessionEndedError, type FrameSession } from '../../../src/host/frame-session.js';
import type { RunReport, RunRequest } from '../../../src/shared/protocol.js';
import type { Engine } from '../../../src/worker/engine.js';
import { startPipeline } from '../run-pipeline.js';

describe('an engine that throws during a run', () => {
  it('ends as a failed outcome with the output the frame counted, not a lost call', async () => {
    const engine: Partial<Engine> = {
      async run(_request, context) {
        context.output.write('stdout', 'before the break\n');
        throw new Error('the instance broke');
      },
      memoryBytes: () => 0,
      reset: async () => {},
      dispose: () => {},
    };
    const pipeline = await startPipeline(async () => engine as Engine, {}, { language: 'javascript', memoryLimitBytes: 1 << 20, toolNames: [], network: false });
    const r = await pipeline.run('anything');
    expect(r).toMatchObject({ status: 'crashed', stdout: 'before the break\n', error: { name: 'EngineError', message: 'the instance broke' } });
  });
});

/** A session whose run answers when told, and which records what the host asked of it. */
function standInSession(answer: Promise<RunReport>) {
  const asked: string[] = [];
  const session = {
    sharedInterrupt: false,
    run: () => answer,
    cancel: (runSeq: number) => asked.push(`cancel ${runSeq}`),
    interruptShared: (runSeq: number) => asked.push(`interrupt ${runSeq}`),
  };
  return { session: session as unknown as FrameSession, asked };
}

const request: RunRequest = { runSeq: 7, code: 'x', timeoutMs: 60_000, maxOutputBytes: 100, maxValueBytes: 100 };

describe('raceRun', () => {
  it('given a signal that has already aborted, cancels the run at once and ends aborted (not at the deadline)', async () => {
    const { session, asked } = standInSession(new Promise(() => {}));
    const started = performance.now();
    const raced = await raceRun(session, request, { selfTimed: true, signal: AbortSignal.abort(), disposed: new AbortController().signal });
    expect(raced).toMatchObject({ end: { kind: 'stopped', status: 'aborted' } });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(asked[0]).toBe('cancel 7');
  });

  it('maps a session that ended into a crashed stop, and measures from sending the run', async () => {
    const { session } = standInSession(Promise.reject(new SessionEndedError({ kind: 'crashed', message: 'gone' })));
    const raced = await raceRun(session, request, { selfTimed: true, signal: undefined, disposed: new AbortController().signal });
    expect(raced.end).toMatchObject({ kind: 'stopped', status: 'crashed', message: expect.stringMatching(/^gone; the engine was restarted/) });
    expect(raced.elapsedMs).toBeLessThan(1_000);
  });
});

describe('SessionEndedError', () => {
  it('has its own name', () => {
    expect(new SessionEndedError({ kind: 'disposed' }).name).toBe('SessionEndedError');
  });
});
