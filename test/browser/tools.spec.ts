/**
 * Host tools: the guest calls back into the app (`await tools.name(args)`) in both languages.
 * Plain data crosses as copies; errors come back as errors; calls end with their run.
 */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine
import { expect, test } from './helpers.js';

declare global {
  interface Window {
    toolLog: string[];
  }
}

/** Creates a sandbox in the page with a few tools that record what they see. */
async function withTools(page: import('@playwright/test').Page, language: 'javascript' | 'python') {
  await page.evaluate(async (language) => {
    window.toolLog = [];
    const shared = { count: 0 };
    window.sandboxes.t = await window.lib.createSandbox({
      language,
      tools: {
        search: (args) => {
          const { q } = args as { q: string };
          window.toolLog.push(`search:${q}:${Object.getPrototypeOf(args) === Object.prototype}`);
          return { hits: [`${q} one`, `${q} two`], shared };
        },
        fail: () => {
          throw new Error('database is down');
        },
        slow: (_args, { signal }) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              window.toolLog.push('slow:aborted');
              resolve(null);
            });
          }),
        leak: () => () => 'a function is not plain data',
      },
      onEvent: (e) => {
        if (e.type === 'tool-call') window.toolLog.push(`event:${e.name}:${e.ok}`);
      },
    });
  }, language);
}

const CASES = {
  javascript: {
    ok: 'const r = await tools.search({ q: "cats" }); r.hits.push("mutated"); [r.hits.length, r.shared.count, typeof tools.search]',
    fail: 'try { await tools.fail({}) } catch (e) { [e.name, e.message] }',
    missing: 'typeof tools.nothing',
    leak: 'try { await tools.leak() } catch (e) { e.message }',
    slow: 'await tools.slow({})',
  },
  python: {
    ok: 'r = await tools.search({"q": "cats"})\nr["hits"].append("mutated")\n[len(r["hits"]), r["shared"]["count"], callable(tools.search)]',
    fail: 'try:\n    await tools.fail({})\nexcept Exception as e:\n    result = [type(e).__name__, str(e)]\nresult',
    missing: 'hasattr(tools, "nothing")',
    leak: 'try:\n    await tools.leak()\nexcept Exception as e:\n    result = str(e)\nresult',
    slow: 'await tools.slow({})',
  },
} as const;

for (const language of ['javascript', 'python'] as const) {
  test(`${language}: tools answer with plain data, report errors, and end with the run`, async ({ host }) => {
    test.setTimeout(90_000);
    await withTools(host, language);
    const run = (code: string, options: Record<string, unknown> = {}) => host.evaluate(({ code, options }) => window.sandboxes.t!.run(code, options), { code, options });
    const c = CASES[language];

    const ok = await run(c.ok);
    expect(ok).toMatchObject({ status: 'ok', value: [3, 0, language === 'javascript' ? 'function' : true] });

    const failed = await run(c.fail);
    expect(failed.status).toBe('ok');
    expect((failed.value as string[])[1]).toMatch(/database is down/);
    if (language === 'python') expect((failed.value as string[])[0]).toBe('ToolError');

    expect((await run(c.missing)).value).toBe(language === 'javascript' ? 'undefined' : false);
    expect((await run(c.leak)).value).toMatch(/returned no plain data/);

    // A tool that never answers is bounded by the run's deadline and told to stop.
    const slow = await run(c.slow, { timeoutMs: 300 });
    expect(slow.status, JSON.stringify(slow)).toBe('timeout');
    expect(slow.stateLost).toBe(false);
    await expect.poll(() => host.evaluate(() => window.toolLog)).toContain('slow:aborted');

    const log = await host.evaluate(() => window.toolLog);
    expect(log).toContain('search:cats:true');
    expect(log).toContain('event:search:true');
    expect(log).toContain('event:fail:false');
  });
}

test('bad tools are refused by name at creation', async ({ host }) => {
  const errors = await host.evaluate(async () => {
    const out: string[] = [];
    for (const tools of [{ 'bad-name': () => 1 }, { ok: 42 }, 'nope']) {
      try {
        await window.lib.createSandbox({ language: 'javascript', tools: tools as never });
        out.push('created');
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    return out;
  });
  expect(errors[0]).toMatch(/^TypeError: .*tool name "bad-name" must be an identifier/);
  expect(errors[1]).toMatch(/^TypeError: .*tools.ok must be a function/);
  expect(errors[2]).toMatch(/^TypeError: .*tools must be an object/);
});

test('a tool result is capped in UTF-8 bytes, not UTF-16 units', async ({ host }) => {
  const r = await host.evaluate(async () => {
    // 6 units, 12 bytes of "é" (14 as JSON): within a 10-unit cap, past a 10-byte one.
    const sb = await window.lib.createSandbox({ language: 'javascript', maxValueBytes: 10, tools: { accents: () => 'éééééé' } });
    window.sandboxes.u = sb;
    return sb.run('try { await tools.accents() } catch (e) { console.log(e.message) }');
  });
  expect(r.stdout).toMatch(/returned more than 10 bytes/);
});
