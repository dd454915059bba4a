/** Package planning against Pyodide's real lock file. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { importNames, planPackages, type Lockfile } from '../../src/host/packages.js';

const require = createRequire(import.meta.url);
const lock = JSON.parse(readFileSync(require.resolve('pyodide/pyodide-lock.json'), 'utf8')) as Lockfile;

describe('planPackages', () => {
  it('expands dependencies', () => {
    const plan = planPackages(lock, ['matplotlib']);
    expect(plan.names).toContain('matplotlib');
    expect(plan.names).toContain('numpy');
    expect(plan.files.every((f) => f.endsWith('.whl'))).toBe(true);
    expect(new Set(plan.names).size).toBe(plan.names.length);
  });
  it('accepts import names and normalizes package names', () => {
    expect(planPackages(lock, ['sklearn']).names).toContain('scikit-learn');
    expect(planPackages(lock, ['Scikit_Learn']).names).toContain('scikit-learn');
  });
  it('takes URLs as wheels, resolved against a base', () => {
    const plan = planPackages(lock, ['/wheels/hello-1.0-py3-none-any.whl'], 'http://127.0.0.1:1/page.html');
    expect(plan).toEqual({ names: [], files: [], wheelUrls: ['http://127.0.0.1:1/wheels/hello-1.0-py3-none-any.whl'] });
  });
  it('refuses unknown names', () => {
    expect(() => planPackages(lock, ['no-such-package-x'])).toThrow(/not a package of this Pyodide distribution/);
  });
  it('maps import names to packages', () => {
    expect(importNames(lock)).toMatchObject({ numpy: 'numpy', sklearn: 'scikit-learn' });
  });
});
