/** Start-up, dispose, crash recovery and misuse, across the real boundary. */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine: a plain page adds nothing once the isolated one ran it
import { counts, createIn, DEVTOOLS_ONLY, expect, runIn, sandboxCounts, shift, test } from './helpers.js';

test.describe('dispose', () => {
  test('leaves no iframe or worker behind, is idempotent, and refuses later calls by name', async ({ host }) => {
    const before = await counts(host);
    await createIn(host, 'a');
    await runIn(host, 'a', '1');
    expect(await counts(host)).toEqual(shift(before, 1));
    const errors = await host.evaluate(async () => {
      const sb = window.sandboxes.a!;
      await sb.dispose();
      await sb.dispose();
      const names: string[] = [];
      for (const call of [() => sb.run('1'), () => sb.reset()]) {
        try {
          await call();
          names.push('resolved');
        } catch (e) {
          names.push(`${(e as Error).name}:${e instanceof window.lib.DisposedError}:${(e as { code?: string }).code}`);
        }
      }
      return names;
    });
    expect(errors).toEqual(['DisposedError:true:DISPOSED', 'DisposedError:true:DISPOSED']);
    await expect.poll(() => counts(host)).toEqual(before);
  });

  test('supports await using (Symbol.asyncDispose, or the registered symbol polyfills use where the browser lacks it), and has no method named "undefined"', async ({ host }) => {
    const out = await host.evaluate(async () => {
      // WebKitGTK 2.50 has no Symbol.asyncDispose: `[Symbol.asyncDispose]()` in a class was a method named "undefined" there.
      const key: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);
      const sb = await window.lib.createSandbox({ language: 'javascript' });
      const pool = window.lib.createSandboxPool({ language: 'javascript', size: 0 });
      const lease = await pool.acquire();
      const named = ['undefined' in sb, 'undefined' in pool, 'undefined' in lease];
      const kinds = [typeof sb[key], typeof pool[key], typeof lease[key]];
      await sb[key]();
      await lease[key]();
      await pool[key]();
      return { named, kinds, iframes: document.querySelectorAll('iframe').length };
    });
    expect(out).toEqual({ named: [false, false, false], kinds: ['function', 'function', 'function'], iframes: 0 });
  });

  test('disposing during a run ends it as aborted', async ({ host }) => {
    await createIn(host, 'a');
    const r = await host.evaluate(async () => {
      const sb = window.sandboxes.a!;
      const running = sb.run('while (true) {}', { timeoutMs: 20000 });
      const queued = sb.run('1');
      setTimeout(() => void sb.dispose(), 100);
      return Promise.all([running, queued]);
    });
    expect(r.map((x) => x.status)).toEqual(['aborted', 'aborted']);
    await expect.poll(() => counts(host)).toEqual(sandboxCounts(host, 0));
  });
});

test.describe('runs that wait for a restart', () => {
  // A long C call outlives its deadline: the frame is removed and a fresh engine starts in the
  // background; the next run waits for it.
  const KILLED = '(3n ** 600000n).toString().length';

  test('a run disposed while it waits for the engine to restart ends aborted, as dispose() promises', async ({ host }) => {
    await createIn(host, 'a');
    const out = await host.evaluate(async (killed) => {
      const sb = window.sandboxes.a!;
      const first = await sb.run(killed, { timeoutMs: 200 });
      const waiting = sb.run('1');
      void sb.dispose();
      return { first: [first.status, first.stateLost], waiting: await waiting.then((r) => `${r.status}: ${r.error?.message}`, (e: Error) => `rejected ${e.name}`) };
    }, KILLED);
    expect(out).toEqual({ first: ['timeout', true], waiting: 'aborted: the sandbox was disposed' });
  });

  test('a run aborted while it waits for the engine to restart ends aborted at once, not when its code would have finished', async ({ host }) => {
    await createIn(host, 'a');
    const out = await host.evaluate(async (killed) => {
      const sb = window.sandboxes.a!;
      await sb.run(killed, { timeoutMs: 200 });
      const controller = new AbortController();
      const started = performance.now();
      const waiting = sb.run('await new Promise((r) => setTimeout(r, 5000)); "finished"', { signal: controller.signal });
      setTimeout(() => controller.abort(), 10);
      const r = await waiting;
      return { status: r.status, decidedBy: r.decidedBy, seconds: (performance.now() - started) / 1000, after: (await sb.run('6 * 7')).value };
    }, KILLED);
    expect(out).toMatchObject({ status: 'aborted', decidedBy: 'host', after: 42 });
    expect(out.seconds).toBeLessThan(4);
  });
});

test.describe('crash recovery', () => {
  test('a worker that dies during a run gives crashed, and the next run works on a fresh engine', async ({ host, browserName }) => {
    test.skip(browserName !== 'chromium', DEVTOOLS_ONLY);
    await createIn(host, 'a');
    await runIn(host, 'a', 'var before = 1');
    const running = runIn(host, 'a', 'await new Promise((r) => setTimeout(r, 5000)); "finished"');
    await expect.poll(() => host.workers().length).toBe(1);
    // An uncaught exception in the worker's own scope: the frame reports it and the host restarts.
    await host.workers()[0]!.evaluate(() => setTimeout(() => { throw new Error('worker blew up') }, 50));
    const r = await running;
    expect(r).toMatchObject({ status: 'crashed', stateLost: true });
    expect(r.error!.message).toMatch(/worker blew up/);
    const next = await runIn(host, 'a', 'typeof before');
    expect(next).toMatchObject({ status: 'ok', value: 'undefined', stateLost: false });
  });

  test('a worker that dies while idle is replaced, and the next run says state was lost', async ({ host, browserName }) => {
    test.skip(browserName !== 'chromium', DEVTOOLS_ONLY);
    await createIn(host, 'a');
    await runIn(host, 'a', 'var before = 1');
    await host.workers()[0]!.evaluate(() => setTimeout(() => { throw new Error('idle crash') }, 0));
    await expect.poll(async () => (await runIn(host, 'a', 'typeof before')).stateLost).toBe(true);
    expect((await runIn(host, 'a', '1 + 1')).value).toBe(2);
  });

  test("one sandbox's crash does not touch another", async ({ host }) => {
    await createIn(host, 'a');
    await createIn(host, 'b');
    await runIn(host, 'a', 'var mine = "a"');
    await runIn(host, 'b', 'var mine = "b"');
    const b = await runIn(host, 'b', 'while (true) {}', { timeoutMs: 100 }); // interrupted, state kept
    expect(b.status).toBe('timeout');
    const killed = await runIn(host, 'b', '(3n ** 600000n).toString().length', { timeoutMs: 100 }); // killed
    expect(killed.stateLost).toBe(true);
    expect((await runIn(host, 'a', 'mine')).value).toBe('a');
  });
});

test.describe('misuse', () => {
  test('bad options throw TypeError or RangeError naming the option', async ({ host }) => {
    const messages = await host.evaluate(async () => {
      const attempts: unknown[] = [
        undefined,
        { language: 'ruby' },
        { language: 42 },
        { language: 'javascript', timeoutMs: '5000' },
        { language: 'javascript', timeoutMs: -1 },
        { language: 'javascript', memoryLimitMB: 100000 },
        { language: 'javascript', timeout: 5000 },
        { language: 'javascript', assetsUrl: 12 },
      ];
      const out: string[] = [];
      for (const options of attempts) {
        try {
          await window.lib.createSandbox(options as never);
          out.push('created');
        } catch (e) {
          out.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      return out;
    });
    expect(messages[0]).toMatch(/^TypeError: .*options must be an object/);
    expect(messages[1]).toMatch(/^RangeError: .*language/);
    expect(messages[2]).toMatch(/^TypeError: .*language/);
    expect(messages[3]).toMatch(/^TypeError: .*timeoutMs/);
    expect(messages[4]).toMatch(/^RangeError: .*timeoutMs/);
    expect(messages[5]).toMatch(/^RangeError: .*memoryLimitMB/);
    expect(messages[6]).toMatch(/^TypeError: .*unknown option "timeout"/);
    expect(messages[7]).toMatch(/^TypeError: .*assetsUrl/);
    expect(await host.locator('iframe').count()).toBe(0);
  });

  test('run() with a non-string or bad options throws TypeError', async ({ host }) => {
    await createIn(host, 'a');
    const errors = await host.evaluate(async () => {
      const sb = window.sandboxes.a!;
      const out: string[] = [];
      for (const call of [() => sb.run(42 as never), () => sb.run('1', { onStdout: 'no' } as never), () => sb.run('1', { signal: {} } as never)]) {
        try {
          await call();
          out.push('resolved');
        } catch (e) {
          out.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      return out;
    });
    expect(errors[0]).toMatch(/^TypeError: run: code must be a string, got number/);
    expect(errors[1]).toMatch(/^TypeError: .*onStdout/);
    expect(errors[2]).toMatch(/^TypeError: .*signal/);
    expect((await runIn(host, 'a', '"still fine"')).value).toBe('still fine');
  });

  test('the JavaScript sandbox has no file system and says so by name', async ({ host }) => {
    await createIn(host, 'a');
    const error = await host.evaluate(() =>
      window.sandboxes.a!.fs.readdir('.').then(
        () => 'resolved',
        (e: Error) => `${e.name}:${e instanceof window.lib.NotSupportedError}:${e.message}`,
      ),
    );
    expect(error).toMatch(/^NotSupportedError:true:.*no file system/);
  });

  test('missing assets fail start-up with SandboxStartError naming the URL, and leave nothing behind', async ({ host }) => {
    const error = await host.evaluate(() =>
      window.lib.createSandbox({ language: 'javascript', assetsUrl: '/no/such/folder/' }).then(
        () => 'created',
        (e: Error) => `${e.name}:${e instanceof window.lib.SandboxStartError}:${e.message}`,
      ),
    );
    expect(error).toMatch(/^SandboxStartError:true:.*\/no\/such\/folder\/.*404/);
    expect(await host.locator('iframe').count()).toBe(0);
  });
});
