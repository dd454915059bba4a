/** The run contract across the page → iframe → worker boundary. */
// @runs chromium:coi,plain,csp firefox:coi,plain,csp webkit:coi,plain,csp — every engine and page: the run contract
import { createIn, expect, runIn, support, test } from './helpers.js';

test.describe('results', () => {
  test('value, text, stdout and stderr of a run', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', 'console.log({a: 1}, [1, 2]); console.warn("careful"); ({ total: [1, 2, 3].reduce((a, b) => a + b), ok: true })');
    expect(r).toMatchObject({
      status: 'ok',
      value: { total: 6, ok: true },
      text: '{ total: 6, ok: true }',
      stdout: '{ a: 1 } [ 1, 2 ]\n',
      stderr: 'careful\n',
      outputs: [],
      stateLost: false,
    });
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r.error).toBeUndefined();
    support('starts', 'JavaScript');
  });

  test('non-plain values get a plain form and a text', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', `({
      when: new Date(0), big: 2n ** 70n, set: new Set([1, 2]), map: new Map([['k', 1]]),
      fn() {}, sym: Symbol('s'), err: new RangeError('bad'), nested: { deep: { deeper: { deepest: 1 } } },
    })`);
    expect(r.status).toBe('ok');
    expect(r.value).toMatchObject({
      when: '1970-01-01T00:00:00.000Z',
      big: '1180591620717411303424',
      set: [1, 2],
      map: { k: 1 },
      err: { name: 'RangeError', message: 'bad' },
      nested: { deep: { deeper: { deepest: 1 } } },
    });
    expect(Object.keys(r.value as object)).not.toContain('fn');
    expect(r.text).toContain("map: Map(1) { 'k' => 1 }");
    expect(r.text).toContain('deeper: [Object]');
    const cyclic = await runIn(host, 'a', 'const loop = { name: "x" }; loop.self = loop; loop');
    expect(cyclic.value).toEqual({ name: 'x', self: '[Circular]' });
    expect(cyclic.text).toBe("<ref *1> { name: 'x', self: [Circular *1] }");
    const fn = await runIn(host, 'a', 'function hello() {}; hello');
    expect(fn).toMatchObject({ status: 'ok', text: '[Function: hello]' });
    expect('value' in fn).toBe(false);
  });

  test('a "__proto__" key in a value does not pollute the host', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', 'JSON.parse(\'{"__proto__": {"polluted": true}, "a": 1}\')');
    expect(r.status).toBe('ok');
    const polluted = await host.evaluate(() => ({ plain: ({} as Record<string, unknown>).polluted, proto: Object.prototype.hasOwnProperty('polluted') }));
    expect(polluted).toEqual({ plain: undefined, proto: false });
  });

  test('top-level await, timers and microtasks', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', `
      const order = [];
      setTimeout(() => order.push('timeout'), 5);
      queueMicrotask(() => order.push('microtask'));
      await new Promise((resolve) => setTimeout(resolve, 30));
      let ticks = 0;
      await new Promise((resolve) => { const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); resolve(); } }, 5); });
      [order, ticks]`);
    expect(r).toMatchObject({ status: 'ok', value: [['microtask', 'timeout'], 3] });
  });

  test('a run waits for pending timers, like a Node script', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', 'setTimeout(() => console.log("later"), 50); "now"');
    expect(r).toMatchObject({ status: 'ok', value: 'now', stdout: 'later\n' });
  });

  test('web APIs model code expects are there', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', `
      const url = new URL('/a b?x=1#h', 'https://example.com/base/');
      url.searchParams.append('y', 'two words');
      ({
        text: new TextDecoder().decode(new TextEncoder().encode('héllo €')),
        b64: btoa('hi'), unb64: atob('aGk='),
        href: url.href, q: new URLSearchParams('a=1&a=2').getAll('a'),
        clone: structuredClone({ d: new Date(5), m: new Map([[1, 2]]) }).m.get(1),
        uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
        random: crypto.getRandomValues(new Uint8Array(8)).length,
        hidden: [typeof fetch, typeof XMLHttpRequest, typeof document, typeof window, typeof importScripts],
      })`);
    expect(r.status).toBe('ok');
    expect(r.value).toEqual({
      text: 'héllo €',
      b64: 'aGk=',
      unb64: 'hi',
      href: 'https://example.com/a%20b?x=1&y=two+words#h',
      q: ['1', '2'],
      clone: 2,
      uuid: true,
      random: 8,
      hidden: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'],
    });
  });
});

test.describe('errors', () => {
  test('a thrown error is a result with name, message, line and a clean stack', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', 'const a = 1;\nfunction parse(s) {\n  return JSON.parse(s);\n}\nparse("{oops");');
    expect(r.status).toBe('error');
    expect(r.error).toMatchObject({ name: 'SyntaxError', line: 3 });
    expect(r.error!.stack).toContain('main.js:3');
    expect(r.error!.stack).not.toContain('ai-sandbox-runtime');
    expect(r.stateLost).toBe(false);
  });

  test('a syntax error in the code is an error result', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', 'const x = ;');
    expect(r).toMatchObject({ status: 'error', error: { name: 'SyntaxError', line: 1 } });
  });

  test('a throwing timer callback ends the run with its error', async ({ host }) => {
    await createIn(host, 'a');
    const r = await runIn(host, 'a', 'setTimeout(() => { throw new TypeError("in timer") }, 1); "sync part"');
    expect(r).toMatchObject({ status: 'error', error: { name: 'TypeError', message: 'in timer' } });
  });

  test('an await that can never settle is reported, not waited out', async ({ host }) => {
    await createIn(host, 'a', { timeoutMs: 20_000 });
    const started = Date.now();
    const r = await runIn(host, 'a', 'await new Promise(() => {})');
    expect(r.status).toBe('error');
    expect(r.error!.message).toMatch(/never settled/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

test.describe('state', () => {
  test('globals persist across runs until reset()', async ({ host }) => {
    await createIn(host, 'a');
    await runIn(host, 'a', 'var counter = 1; let lexical = 2; function helper() { return counter + lexical }');
    expect((await runIn(host, 'a', 'counter += 1; helper()')).value).toBe(4);
    await host.evaluate(() => window.sandboxes.a!.reset());
    const after = await runIn(host, 'a', 'typeof counter + " " + typeof helper');
    expect(after).toMatchObject({ status: 'ok', value: 'undefined undefined', stateLost: false });
    expect((await runIn(host, 'a', 'let lexical = 5; lexical')).value).toBe(5);
  });

  test('concurrent runs execute one after another in call order', async ({ host }) => {
    await createIn(host, 'a');
    const values = await host.evaluate(async () => {
      const sb = window.sandboxes.a!;
      await sb.run('var log = []');
      const runs = [
        sb.run('await new Promise((r) => setTimeout(r, 40)); log.push(1); log.length'),
        sb.run('log.push(2); log.length'),
        sb.run('log.push(3); log.slice()'),
      ];
      return (await Promise.all(runs)).map((r) => r.value);
    });
    expect(values).toEqual([1, 2, [1, 2, 3]]);
  });
});

test.describe('streaming', () => {
  test('stdout and stderr reach the callbacks while the run goes on', async ({ host }) => {
    await createIn(host, 'a');
    const seen = await host.evaluate(async () => {
      const events: string[] = [];
      const promise = window.sandboxes.a!.run(
        'console.log("first"); await new Promise((r) => setTimeout(r, 400)); console.error("second"); console.log("third")',
        { onStdout: (t) => events.push(`out:${t}`), onStderr: (t) => events.push(`err:${t}`) },
      );
      let done = false;
      void promise.then(() => (done = true));
      // Wait until the first chunk arrives, and check the run is still going then.
      while (events.length === 0 && !done) await new Promise((r) => setTimeout(r, 5));
      const beforeEnd = { events: [...events], done };
      const result = await promise;
      return { beforeEnd, events, stdout: result.stdout, stderr: result.stderr };
    });
    expect(seen.beforeEnd).toEqual({ events: ['out:first\n'], done: false });
    expect(seen.events.join('')).toBe('out:first\nerr:second\nout:third\n');
    expect(seen.stdout).toBe('first\nthird\n');
    expect(seen.stderr).toBe('second\n');
  });

  test('a throwing callback does not break the run', async ({ host }) => {
    await createIn(host, 'a');
    const r = await host.evaluate(() => {
      window.addEventListener('error', (e) => e.preventDefault());
      return window.sandboxes.a!.run('console.log("x"); 5', { onStdout: () => { throw new Error('callback bug') } });
    });
    expect(r).toMatchObject({ status: 'ok', value: 5, stdout: 'x\n' });
  });
});
