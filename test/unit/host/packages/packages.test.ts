/** Package planning against Pyodide's real lock file. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fetchWheels, importNames, planPackages, type Lockfile } from '../../../../src/host/packages/packages.js';

const require = createRequire(import.meta.url);
const lock = JSON.parse(readFileSync(require.resolve('pyodide/pyodide-lock.json'), 'utf8')) as Lockfile;

describe('planPackages', () => {
  it('expands dependencies', () => {
    const plan = planPackages(lock, ['matplotlib']);
    expect(plan.names).toContain('matplotlib');
    expect(plan.names).toContain('numpy');
    expect(plan.files.every((f) => f.endsWith('.whl'))).toBe(true);
    expect(new Set(plan.names).size).toBe(plan.names.length);
    expect(Object.keys(plan.hashes).sort()).toEqual([...plan.files].sort());
    expect(Object.values(plan.hashes).every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
  });
  it('accepts import names and normalizes package names', () => {
    expect(planPackages(lock, ['sklearn']).names).toContain('scikit-learn');
    expect(planPackages(lock, ['Scikit_Learn']).names).toContain('scikit-learn');
  });
  it('takes URLs as wheels, resolved against a base', () => {
    const plan = planPackages(lock, ['/wheels/hello-1.0-py3-none-any.whl'], 'http://127.0.0.1:1/page.html');
    expect(plan).toEqual({ names: [], files: [], hashes: {}, wheelUrls: ['http://127.0.0.1:1/wheels/hello-1.0-py3-none-any.whl'], indexWheels: [], projects: new Map() });
  });
  it('refuses unknown names', () => {
    expect(() => planPackages(lock, ['no-such-package-x'])).toThrow(/not a package of this Pyodide distribution/);
  });
  it('maps import names to packages', () => {
    expect(importNames(lock)).toMatchObject({ numpy: 'numpy', sklearn: 'scikit-learn' });
  });
});

describe('fetchWheels', () => {
  const wheel = new TextEncoder().encode('not really a wheel').buffer as ArrayBuffer;
  const sha = 'e9b9b8a3f76bb8a1d6b1f7cd1327a0a28f6c4f4e0ef8d1d0ed82c25a1bd4c1b5';
  const serve = () => {
    const original = globalThis.fetch;
    globalThis.fetch = (async () => new Response(wheel.slice(0))) as typeof fetch;
    return () => (globalThis.fetch = original);
  };
  const fail = (message: string) => new Error(message);
  const plan = (hash: string) => ({ names: ['w'], files: ['w-1.0-py3-none-any.whl'], hashes: { 'w-1.0-py3-none-any.whl': hash }, wheelUrls: [], indexWheels: [], projects: new Map() });

  it('hands over a wheel that matches the lock file, and refuses one that does not', async () => {
    const restore = serve();
    try {
      const { createHash } = await import('node:crypto');
      const good = createHash('sha256').update(new Uint8Array(wheel)).digest('hex');
      const files = await fetchWheels(plan(good), new URL('http://index.test/'), fail, { timeoutMs: 5000, onBytes: () => {} });
      expect(new Uint8Array(files['w-1.0-py3-none-any.whl']!)).toEqual(new Uint8Array(wheel));
      await expect(fetchWheels(plan(sha), new URL('http://index.test/'), fail, { timeoutMs: 5000, onBytes: () => {} })).rejects.toThrow(
        `w-1.0-py3-none-any.whl from http://index.test/w-1.0-py3-none-any.whl does not match the lock file's sha256 (expected ${sha}, got ${good}): refused`,
      );
    } finally {
      restore();
    }
  });

  it("checks a wheel resolved on a PyPI-compatible index against the index's sha256", async () => {
    const restore = serve();
    try {
      const { createHash } = await import('node:crypto');
      const good = createHash('sha256').update(new Uint8Array(wheel)).digest('hex');
      const url = 'http://files.test/w-1.0-py3-none-any.whl';
      const fromIndex = (sha256: string) => ({ ...plan(''), names: [], files: [], hashes: {}, indexWheels: [{ name: 'w', version: '1.0', url, sha256 }] });
      const files = await fetchWheels(fromIndex(good), undefined, fail, { timeoutMs: 5000, onBytes: () => {} });
      expect(Object.keys(files)).toEqual([url]);
      await expect(fetchWheels(fromIndex(sha), undefined, fail, { timeoutMs: 5000, onBytes: () => {} })).rejects.toThrow(
        `${url} does not match the package index's sha256 (expected ${sha}, got ${good}): refused`,
      );
    } finally {
      restore();
    }
  });

  it('fetches a few wheels at a time, keeps none, and cancels the rest once the byte budget refuses one', async () => {
    const original = globalThis.fetch;
    let inFlight = 0;
    let most = 0;
    const aborted: string[] = [];
    globalThis.fetch = (async (url: string, init?: RequestInit) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      init?.signal?.addEventListener('abort', () => aborted.push(String(url)));
      return new Response(new Uint8Array(1000));
    }) as typeof fetch;
    try {
      const urls = Array.from({ length: 12 }, (_, i) => `http://files.test/w${i}-1.0-py3-none-any.whl`);
      const many = { names: [], files: [], hashes: {}, wheelUrls: urls, indexWheels: [], projects: new Map() };
      const files = await fetchWheels(many, undefined, fail, { timeoutMs: 5000, onBytes: () => {} });
      expect(Object.keys(files)).toHaveLength(12);
      expect(most).toBe(4);
      let taken = 0;
      const refuse = (bytes: number) => {
        taken += bytes;
        if (taken > 2500) throw new Error('too many bytes');
      };
      await expect(fetchWheels(many, undefined, fail, { timeoutMs: 5000, onBytes: refuse })).rejects.toThrow('too many bytes');
      // Past the budget nothing more is read: at most the fetches already under way.
      expect(taken).toBeLessThanOrEqual(4000);
    } finally {
      globalThis.fetch = original;
    }
  });
});
