/** createSandboxPool: warm sandboxes, fresh globals per use, replacement of worn ones, idle disposal, limits. */
// @runs chromium:coi — Chromium's isolated page: pools behave the same everywhere, and each Python start costs seconds
import { expect } from '@playwright/test';
import { counts, test } from './helpers.js';
import type { SandboxPool, Sandbox } from '../../src/index.js';

declare global {
  interface Window {
    pool: SandboxPool;
    held: Sandbox[];
  }
}

test('a warm pool hands out a started sandbox at once and tops itself up', async ({ host }) => {
  await host.evaluate(async () => {
    window.pool = window.lib.createSandboxPool({ language: 'javascript', size: 2 });
    window.held = [];
    await window.pool.warm();
  });
  expect(await host.evaluate(() => window.pool.stats)).toEqual({ idle: 2, acquired: 0, starting: 0 });
  expect((await counts(host)).iframes).toBe(2);

  const first = await host.evaluate(async () => {
    const sandbox = await window.pool.acquire();
    const idleWhenHanded = window.pool.stats.idle;
    const result = await sandbox.run('globalThis.mine = 41; mine + 1');
    window.held.push(sandbox);
    return { idleWhenHanded, value: result.value };
  });
  expect(first.value).toBe(42);
  expect(first.idleWhenHanded).toBe(1); // one of the two started ones, not a new one
  await expect.poll(() => host.evaluate(() => window.pool.stats)).toEqual({ idle: 2, acquired: 1, starting: 0 });

  // Released and handed out again: every handle is new, every sandbox has fresh globals, and the
  // released handle (a lease) works no more.
  const again = await host.evaluate(async () => {
    const [sandbox] = window.held;
    await window.pool.release(sandbox!);
    const stats = window.pool.stats;
    const handles = [await window.pool.acquire(), await window.pool.acquire(), await window.pool.acquire()];
    const mine = await Promise.all(handles.map((h) => h.run('typeof mine').then((r) => r.value)));
    const stale = await sandbox!.run('typeof mine').then(
      () => 'ran',
      (e: Error) => e.name,
    );
    return { stats, own: new Set(handles).size === 3 && !handles.includes(sandbox!), mine, stale };
  });
  expect(again.stats).toEqual({ idle: 3, acquired: 0, starting: 0 });
  expect(again).toMatchObject({ own: true, mine: ['undefined', 'undefined', 'undefined'], stale: 'DisposedError' });
  await expect(host.evaluate(() => window.pool.release(window.held[0]!).then(() => window.pool.release(window.held[0]!)))).rejects.toThrow(/not acquired from this pool/);
  await host.evaluate(() => window.pool.dispose());
  expect((await counts(host)).iframes).toBe(0);
});

test('run() gives every call fresh globals', async ({ host }) => {
  const values = await host.evaluate(async () => {
    const pool = window.lib.createSandboxPool({ language: 'javascript', size: 1 });
    const out = [];
    for (const code of ['globalThis.x = 1; x', 'typeof x', 'let y = 2; y', 'typeof y']) out.push((await pool.run(code)).value);
    await pool.dispose();
    return out;
  });
  expect(values).toEqual([1, 'undefined', 2, 'undefined']);
});

test('a sandbox that lost its state, or ran its quota, is replaced', async ({ host }) => {
  const outcome = await host.evaluate(async () => {
    const pool = window.lib.createSandboxPool({ language: 'javascript', size: 1, maxRunsPerSandbox: 2 });
    await pool.warm();
    // A long C call does not poll for interrupts: the frame is replaced, the state is lost.
    const worn = await pool.acquire();
    const killed = await worn.run('(3n ** 600000n).toString().length', { timeoutMs: 100 });
    await pool.release(worn);
    const wornAfter = await worn.run('1').then(() => 'usable', (e) => e.name);

    const quota = await pool.acquire();
    await quota.run('1');
    await quota.run('2');
    await pool.release(quota);
    const quotaAfter = await quota.run('1').then(() => 'usable', (e) => e.name);
    await pool.warm();
    const fresh = await pool.acquire();
    const result = { killed: [killed.status, killed.stateLost], wornAfter, quotaAfter, freshIsNew: fresh !== worn && fresh !== quota, works: (await fresh.run('6 * 7')).value };
    await pool.dispose();
    return result;
  });
  expect(outcome).toEqual({ killed: ['timeout', true], wornAfter: 'DisposedError', quotaAfter: 'DisposedError', freshIsNew: true, works: 42 });
});

test('idle sandboxes are disposed after idleTimeoutMs and started again on demand', async ({ host }) => {
  // Counted in the same task as warm() resolving: the idle clock starts then.
  const whenWarm = await host.evaluate(async () => {
    window.pool = window.lib.createSandboxPool({ language: 'javascript', size: 1, idleTimeoutMs: 300 });
    await window.pool.warm();
    return { iframes: document.querySelectorAll('iframe').length, idle: window.pool.stats.idle };
  });
  expect(whenWarm).toEqual({ iframes: 1, idle: 1 });
  await expect.poll(() => host.evaluate(() => window.pool.stats.idle)).toBe(0);
  expect((await counts(host)).iframes).toBe(0);
  expect(await host.evaluate(async () => (await window.pool.run('1 + 1')).value)).toBe(2);
  await host.evaluate(() => window.pool.dispose());
});

test('at maxSize, acquire() waits for a release; a signal gives up; dispose rejects waiters', async ({ host }) => {
  const outcome = await host.evaluate(async () => {
    const pool = window.lib.createSandboxPool({ language: 'javascript', size: 1, maxSize: 1 });
    const first = await pool.acquire();
    let secondSettled = false;
    const second = pool.acquire().then((s) => ((secondSettled = true), s));
    await new Promise((r) => setTimeout(r, 200));
    const waited = !secondSettled;
    await pool.release(first);
    // The waiter gets the released sandbox under a lease of its own.
    const next = await second;
    const handedOver = next !== first && (await next.run('1 + 1')).value === 2;

    const gaveUp = await pool.acquire({ signal: AbortSignal.timeout(100) }).then(() => 'acquired', (e) => e.name);
    const pending = pool.acquire().then(() => 'acquired', (e) => e.name);
    await pool.dispose();
    return { waited, handedOver, gaveUp, pending: await pending, after: await pool.acquire().then(() => 'acquired', (e) => e.name) };
  });
  expect(outcome).toEqual({ waited: true, handedOver: true, gaveUp: 'TimeoutError', pending: 'DisposedError', after: 'DisposedError' });
  expect((await counts(host)).iframes).toBe(0);
});

test('dispose() rejects a pending warm() and makes release() a no-op', async ({ host }) => {
  const outcome = await host.evaluate(async () => {
    const pool = window.lib.createSandboxPool({ language: 'javascript', size: 1 });
    const held = await pool.acquire();
    const warming = pool.warm().then(() => 'resolved', (e: Error) => e.name);
    await pool.dispose();
    return { warm: await warming, release: await pool.release(held).then(() => 'ok', (e: Error) => e.name) };
  });
  expect(outcome).toEqual({ warm: 'DisposedError', release: 'ok' });
});

test('bad pool options throw at once, naming the option', async ({ host }) => {
  const errors = await host.evaluate(() =>
    [{ language: 'javascript', size: -1 }, { language: 'javascript', size: 2, maxSize: 1 }, { language: 'javascript', resetOnRelease: 'yes' }, { language: 'javascript', tiemout: 5 }, { language: 'cobol' }].map((options) => {
      try {
        window.lib.createSandboxPool(options as never);
        return 'created';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    }),
  );
  expect(errors[0]).toMatch(/^RangeError: createSandboxPool: size/);
  expect(errors[1]).toMatch(/^RangeError: createSandboxPool: maxSize/);
  expect(errors[2]).toMatch(/^TypeError: createSandboxPool: resetOnRelease/);
  expect(errors[3]).toMatch(/^TypeError: .*unknown option "tiemout"/);
  expect(errors[4]).toMatch(/^RangeError: .*language/);
  expect((await counts(host)).iframes).toBe(0);
});

test('a warm Python pool answers without loading Pyodide, on fresh globals', async ({ host }) => {
  test.setTimeout(120_000);
  const outcome = await host.evaluate(async () => {
    const events: string[] = [];
    const pool = window.lib.createSandboxPool({ language: 'python', size: 1, onEvent: (e) => events.push(e.type) });
    await pool.warm();
    const starts = () => events.filter((t) => t === 'sandbox-ready').length;
    const startsBefore = starts();
    const first = await pool.run('x = 6 * 7\nx');
    const startsWithFirst = starts();
    const second = await pool.run('x');
    const startsAfter = starts();
    await pool.dispose();
    return { first: first.value, second: [second.status, second.error?.name], startsBefore, startsWithFirst, startsAfter };
  });
  expect(outcome.first).toBe(42);
  expect(outcome.second).toEqual(['error', 'NameError']);
  // The first answer came from the engine started ahead of time; the hand-off to the next user
  // started a fresh interpreter (a Python guest could have changed anything in the last one).
  expect(outcome).toMatchObject({ startsBefore: 1, startsWithFirst: 1, startsAfter: 2 });
});
