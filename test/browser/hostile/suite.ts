/**
 * The hostile-code suite (threat notes): every case runs in one long-lived sandbox per language,
 * states its expected outcome, and is followed by the same checks: a benign run returns 2, the
 * host's Object.prototype is unchanged, exactly one iframe and one worker exist, and the canary
 * server has seen nothing. One spec file per language (javascript.spec.ts, python.spec.ts), so
 * each engine and host setup can run the languages it is chosen for (playwright.config.ts).
 */
import { CANARY } from '../ports.js';
import { canaryHits, counts, expect, runIn, sandboxCounts, sharedHost, test } from '../helpers.js';
import type { HostileCase } from './cases.js';

/** Declares the serial block of `cases` in one sandbox of `language`. */
export function hostileSuite(language: 'javascript' | 'python', cases: HostileCase[]): void {
  test.beforeAll(async () => {
    await fetch(`${CANARY}/__reset`);
  });

  test.describe(`hostile ${language}`, () => {
    test.describe.configure({ mode: 'serial' });
    let prototypeBefore = '';
    const host = sharedHost(async (page) => {
      await page.evaluate(async (language) => {
        window.sandboxes.h = await window.lib.createSandbox({ language });
      }, language);
      prototypeBefore = await page.evaluate(() => Object.getOwnPropertyNames(Object.prototype).sort().join());
    });

    for (const c of cases) {
      test(`${c.category}: ${c.name}`, async ({ browserName }) => {
        const page = host();
        const started = Date.now();
        const r = await runIn(page, 'h', c.code, { timeoutMs: c.timeoutMs ?? 15_000 });
        const took = Date.now() - started;
        expect(c.expectIn?.[browserName] ?? c.expect, `status was ${r.status}: ${r.error?.name} ${r.error?.message}`).toContain(r.status);
        expect(took).toBeLessThan(c.withinMs);
        // A time limit is the host's to decide, never the engine's.
        if (r.status === 'timeout') expect(r.decidedBy).toBe('host');
        if ('value' in c) expect(r.value).toEqual(c.value);
        if (c.valueSatisfies) expect(c.valueSatisfies(r.value), `value was ${JSON.stringify(r.value)}`).toBe(true);

        // Nothing leaked, and the sandbox still works.
        expect((await runIn(page, 'h', '1 + 1')).value).toBe(2);
        expect(await page.evaluate(() => Object.getOwnPropertyNames(Object.prototype).sort().join())).toBe(prototypeBefore);
        expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
        await expect.poll(() => counts(page)).toEqual(sandboxCounts(page, 1));
        expect(await canaryHits()).toEqual([]);
      });
    }
  });
}
