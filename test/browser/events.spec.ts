/** Audit events (`onEvent`): lifecycle, runs, limits, and messages dropped at the boundary. */
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

test('messages forged in a compromised worker scope are dropped and reported; results still arrive', async ({ host }) => {
  await host.evaluate(async () => {
    window.events = [];
    window.sandboxes.a = await window.lib.createSandbox({ language: 'javascript', onEvent: (e) => window.events.push(e) });
  });
  await expect.poll(() => host.workers().length).toBe(1);
  // Below the engine: patch the worker's own postMessage so every message is preceded by forgeries.
  await host.workers()[0]!.evaluate(() => {
    const original = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: Transferable[]) {
      original.call(this, { type: 'output', runSeq: 'not a number', stream: 'stdout', text: 'forged' });
      original.call(this, 'just a string');
      return original.apply(this, [message, transfer ?? []] as never);
    } as typeof original;
  });
  const r = await host.evaluate(() => window.sandboxes.a!.run('console.log("real"); 40 + 2'));
  expect(r).toMatchObject({ status: 'ok', value: 42, stdout: 'real\n' });
  const dropped = await host.evaluate(() => window.events.filter((e) => e.type === 'message-dropped'));
  expect(dropped.length).toBeGreaterThanOrEqual(2);
  expect(dropped.every((e) => e.type === 'message-dropped' && e.channel === 'rpc')).toBe(true);
  expect(dropped.map((e) => (e as { reason: string }).reason)).toContain('a string');
});
