/**
 * Python memory snapshots: made in the background after the first start, then used by later
 * starts (other sandboxes and restarts), kept across visits with 'persistent', and ignored when
 * Pyodide refuses them.
 */
// @runs firefox:plain — Firefox's plain page: snapshots matter most where restarts kill, and each start costs seconds
import { expect } from '@playwright/test';
import { openHost, support, test } from './helpers.js';
import type { SandboxEvent } from '../../src/index.js';

declare global {
  interface Window {
    events: SandboxEvent[];
  }
}

test.describe.configure({ timeout: 180_000 });

/** Creates a Python sandbox under `name` with `snapshot`, recording its events on window.events. */
async function createPython(page: import('@playwright/test').Page, name: string, snapshot: boolean | 'persistent'): Promise<void> {
  await page.evaluate(
    async ({ name, snapshot }) => {
      window.events ??= [];
      window.sandboxes[name] = await window.lib.createSandbox({ language: 'python', snapshot, onEvent: (e) => window.events.push(e) });
    },
    { name, snapshot },
  );
}

const readyEvents = (page: import('@playwright/test').Page) =>
  page.evaluate(() => window.events.filter((e) => e.type === 'sandbox-ready').map((e) => (e as { fromSnapshot?: boolean }).fromSnapshot));

test('later interpreters start from the snapshot, with their own random state, and work fully', async ({ host }) => {
  await createPython(host, 'first', true);
  await expect.poll(() => host.evaluate(() => window.events.some((e) => e.type === 'snapshot-made')), { timeout: 60_000 }).toBe(true);
  const made = await host.evaluate(() => window.events.find((e) => e.type === 'snapshot-made') as { bytes: number });
  expect(made.bytes).toBeGreaterThan(10 * 1024 * 1024);

  await createPython(host, 'second', true);
  await createPython(host, 'third', true);
  expect(await readyEvents(host)).toEqual([false, true, true]);
  support('snapshot', 'yes');

  const probe = 'import os, random, sys, json\nprint("cwd", os.getcwd())\nopen("f.txt", "w").write("x")\n[random.random(), sys.version_info[:2], json.dumps({"a": [1]}), os.listdir(".")]';
  const results = await host.evaluate(async (code) => Promise.all(['second', 'third'].map((n) => window.sandboxes[n]!.run(code))), probe);
  for (const r of results) {
    expect(r.status).toBe('ok');
    expect(r.stdout).toBe('cwd /home/user\n');
    expect((r.value as unknown[]).slice(1)).toEqual([[3, 14], '{"a": [1]}', ['f.txt']]);
  }
  expect((results[0]!.value as number[])[0]).not.toBe((results[1]!.value as number[])[0]);

  // The limits still hold in a restored interpreter: the memory cap, and interrupts or restarts.
  const memory = await host.evaluate(() => window.sandboxes.second!.run('x = bytearray(900 * 1024 * 1024)'));
  expect(memory.status).toBe('memory');
  const loop = await host.evaluate(() => window.sandboxes.second!.run('while True: pass', { timeoutMs: 300 }));
  expect(loop.status).toBe('timeout');
  expect(await host.evaluate(async () => (await window.sandboxes.second!.run('6 * 7')).value)).toBe(42);
});

test('a restart after a kill starts from the snapshot', async ({ host }) => {
  await createPython(host, 'py', true);
  await expect.poll(() => host.evaluate(() => window.events.some((e) => e.type === 'snapshot-made')), { timeout: 60_000 }).toBe(true);
  // One long C call that never checks for interrupts: only replacing the frame stops it.
  const killed = await host.evaluate(() => window.sandboxes.py!.run('sum(range(10 ** 12))', { timeoutMs: 300 }));
  expect([killed.status, killed.stateLost]).toEqual(['timeout', true]);
  expect(await host.evaluate(async () => (await window.sandboxes.py!.run('1 + 1')).value)).toBe(2);
  expect(await readyEvents(host)).toEqual([false, true]);
});

test("'persistent' keeps the snapshot for the next visit; a refused one falls back to a full start", async ({ host }) => {
  await host.evaluate(() => caches.delete('ai-sandbox-snapshots'));
  await createPython(host, 'py', 'persistent');
  await expect.poll(() => host.evaluate(() => window.events.some((e) => e.type === 'snapshot-made')), { timeout: 60_000 }).toBe(true);
  await expect.poll(() => host.evaluate(async () => (await (await caches.open('ai-sandbox-snapshots')).keys()).length)).toBe(1);

  // The next visit starts from the kept snapshot at once.
  await openHost(host);
  await createPython(host, 'again', 'persistent');
  expect(await readyEvents(host)).toEqual([true]);
  expect(await host.evaluate(async () => (await window.sandboxes.again!.run('sum(range(5))')).value)).toBe(10);

  // A damaged snapshot is refused by Pyodide: the sandbox starts in full and the entry is dropped.
  await host.evaluate(async () => {
    const cache = await caches.open('ai-sandbox-snapshots');
    const [key] = await cache.keys();
    await cache.put(key!, new Response(new Uint8Array(1024)));
  });
  await openHost(host);
  await createPython(host, 'fallback', 'persistent');
  expect(await readyEvents(host)).toEqual([false]);
  expect(await host.evaluate(async () => (await window.sandboxes.fallback!.run('2 ** 10')).value)).toBe(1024);
  await host.evaluate(() => window.sandboxes.fallback!.dispose());
});

test('snapshot is refused for JavaScript and for values it does not know', async ({ host }) => {
  const errors = await host.evaluate(() =>
    Promise.all(
      [{ language: 'javascript', snapshot: true }, { language: 'python', snapshot: 'yes' }].map((options) =>
        window.lib.createSandbox(options as never).then(
          () => 'created',
          (e: Error) => `${e.name}: ${e.message}`,
        ),
      ),
    ),
  );
  expect(errors[0]).toMatch(/^TypeError: .*snapshot is for Python/);
  expect(errors[1]).toMatch(/^TypeError: .*snapshot must be true, false or 'persistent'/);
});
