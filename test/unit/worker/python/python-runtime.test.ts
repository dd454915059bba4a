/**
 * The sandbox's Python package (src/worker/python/runtime) under CPython: each Python test is one
 * Vitest test here. The same package runs in Pyodide in the browser tests.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Row {
  name: string;
  ok: boolean;
  detail?: string;
}

const script = fileURLToPath(new URL('./runtime/run_tests.py', import.meta.url));
const run = spawnSync('python3', [script], { encoding: 'utf8', timeout: 120_000 });
const rows: Row[] = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);

describe('the sandbox Python package under CPython', () => {
  it('ran', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(rows.length).toBeGreaterThan(10);
  });
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => {
    expect(row.ok, row.detail).toBe(true);
  });
});
