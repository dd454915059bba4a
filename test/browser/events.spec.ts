/**
 * Audit events (`onEvent`): lifecycle, runs and limits. Messages dropped at the boundary are
 * reported too; frame-boundary.spec.ts tests them against a hostile worker.
 */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine: audit events do not depend on the page
import type { SandboxEvent } from '../../src/index.js';
import { expect, test } from './helpers.js';

declare global {
  interface Window {
    events: SandboxEvent[];
  }
}

test('a sandbox reports its lifecycle, runs and limits, each with a time and its run', async ({ host }) => {
  await host.evaluate(async () => {
    window.events = [];
    const sb = await window.lib.createSandbox({ language: 'javascript', maxOutputBytes: 100, onEvent: (e) => window.events.push(e) });
    await sb.run('console.log("hi"); 1');
    await sb.run('while (true) {}', { timeoutMs: 100 });
    await sb.run('"x".repeat(1000).split("").forEach((c) => console.log(c))');
    await sb.run('(3n ** 600000n).toString().length', { timeoutMs: 100 });
    await sb.run('2');
    await sb.dispose();
  });
  const events = await host.evaluate(() => window.events);
  const summary = events.map((e) => [e.type, e.runSeq ?? '-', 'status' in e ? e.status : 'limit' in e ? e.limit : 'reason' in e ? e.reason : ''].join(':'));
  expect(summary).toEqual([
    'sandbox-created:-:',
    'sandbox-ready:-:',
    'run-started:1:',
    'run-finished:1:ok',
    'run-started:2:',
    'run-finished:2:timeout',
    'limit-hit:2:timeout',
    'run-started:3:',
    'run-finished:3:ok',
    'limit-hit:3:output',
    'run-started:4:',
    'sandbox-restarted:4:timeout',
    'run-finished:4:timeout',
    'limit-hit:4:timeout',
    'sandbox-ready:-:',
    'run-started:5:',
    'run-finished:5:ok',
    'sandbox-disposed:-:',
  ]);
  const finished = events.find((e) => e.type === 'run-finished' && e.runSeq === 1);
  expect(finished).toMatchObject({ stdoutBytes: 3, stderrBytes: 0, stateLost: false });
  expect((finished as { peakMemoryBytes?: number }).peakMemoryBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  for (const e of events) expect(Math.abs(e.time - Date.now())).toBeLessThan(120_000);
});
