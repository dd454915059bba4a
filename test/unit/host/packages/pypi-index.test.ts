/** Resolution against a PyPI-compatible JSON API (in memory here; the browser suite serves one). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Lockfile } from '../../../../src/host/packages/packages.js';
import { isPureWheel, resolveRequirements, type ResolveContext } from '../../../../src/host/packages/pypi-index.js';
import { TEST_PYPI_PROJECTS } from '../../../fixtures/package-index.js';

const require = createRequire(import.meta.url);
const lock = JSON.parse(readFileSync(require.resolve('pyodide/pyodide-lock.json'), 'utf8')) as Lockfile;
const INDEX = 'http://index.test/pypi/';

/** The fixture's projects as the JSON API answers, with made-up hashes (nothing is fetched here). */
function jsonApi(): Map<string, unknown> {
  const pages = new Map<string, unknown>();
  for (const [name, releases] of Object.entries(TEST_PYPI_PROJECTS)) {
    const module = name.replace(/-/g, '_');
    const files = Object.fromEntries(
      releases.map((r) => [
        r.version,
        [{ filename: `${module}-${r.version}-${r.tag ?? 'py3-none-any'}.whl`, url: `../../../../files/${module}-${r.version}.whl`, digests: { sha256: r.wrongHash ? 'x' : 'a'.repeat(64) }, yanked: r.yanked ?? false, requires_python: r.requiresPython ?? null }],
      ]),
    );
    const info = (v: string) => ({ name, version: v, requires_dist: releases.find((r) => r.version === v)!.requires ?? null });
    const latest = releases.filter((r) => !/[a-z]/.test(r.version) && !r.yanked).at(-1)!.version;
    pages.set(`${INDEX}${name}/json`, { info: info(latest), releases: files });
    for (const r of releases) pages.set(`${INDEX}${name}/${r.version}/json`, { info: info(r.version), urls: files[r.version] });
  }
  return pages;
}

function context(overrides: Partial<ResolveContext> = {}): ResolveContext & { asked: string[] } {
  const pages = jsonApi();
  const asked: string[] = [];
  const withAlpha: Lockfile = { ...lock, packages: { ...lock.packages, 'sbx-alpha': { name: 'sbx-alpha', version: '1.0', file_name: 'sbx_alpha-1.0-py3-none-any.whl', depends: [], imports: ['sbx_alpha'] } } };
  return {
    lock: withAlpha,
    lockAvailable: true,
    indexUrl: new URL(INDEX),
    installed: new Map(),
    getJson: async (url) => {
      asked.push(url);
      return pages.get(url);
    },
    fail: (message) => new Error(message),
    asked,
    ...overrides,
  };
}

describe('resolveRequirements', () => {
  it('takes the newest usable release, its dependencies with their markers and extras, and distribution packages from the lock file', async () => {
    const ctx = context();
    const r = await resolveRequirements(['sbxp-top[fancy]'], ctx);
    expect(r.lockNames).toEqual(['sbx-alpha']);
    expect(r.wheels.map((w) => `${w.name} ${w.version}`).sort()).toEqual(['sbxp-dep 1.2', 'sbxp-extra 1.0', 'sbxp-top 2.0']);
    expect(r.wheels.find((w) => w.name === 'sbxp-top')).toEqual({ name: 'sbxp-top', version: '2.0', url: 'http://index.test/files/sbxp_top-2.0.whl', sha256: 'a'.repeat(64) });
    // 1.2 is not the project's latest (1.3), so its own release page was read for its dependencies.
    expect(ctx.asked).toContain(`${INDEX}sbxp-dep/1.2/json`);
    expect(ctx.asked.some((u) => u.includes('sbxp-windows') || u.includes('sbxp-old'))).toBe(false);
  });
  it('honours version specifiers, and leaves extras out unless asked', async () => {
    const r = await resolveRequirements(['sbxp-top==1.0'], context());
    expect(r.wheels.map((w) => `${w.name} ${w.version}`).sort()).toEqual(['sbxp-dep 1.0', 'sbxp-top 1.0']);
    const plain = await resolveRequirements(['sbxp-top'], context());
    expect(plain.wheels.map((w) => w.name)).not.toContain('sbxp-extra');
    expect((await resolveRequirements(['sbxp-dep>=2.0rc1'], context())).wheels[0]!.version).toBe('2.0rc1');
  });
  it('refuses, naming the project and why', async () => {
    await expect(resolveRequirements(['sbxp-nowhere'], context())).rejects.toThrow(/^sbxp-nowhere is not on the package index http:\/\/index\.test\/pypi\/ \(HTTP 404/);
    await expect(resolveRequirements(['sbxp-native'], context())).rejects.toThrow(/^sbxp-native: no release on \S+ has a pure-Python wheel for Python 3\.14/);
    await expect(resolveRequirements(['sbxp-dep>=3'], context())).rejects.toThrow(/^sbxp-dep>=3: no release on \S+ matches \(it has 1\.0, 1\.2, 1\.3, 1\.4, 2\.0rc1\)/);
    await expect(resolveRequirements(['sbxp-badhash'], context())).rejects.toThrow(/^sbxp-badhash 1\.0: the index lists no sha256 for sbxp_badhash-1\.0-py3-none-any\.whl/);
    await expect(resolveRequirements(['sbxp-top', 'sbxp-conflict'], context())).rejects.toThrow(/^sbxp-dep==1\.0 \(needed by sbxp-conflict 1\.0\) conflicts with sbxp-dep 1\.2, already chosen for sbxp-top 2\.0$/);
    await expect(resolveRequirements(['sbxp-top<2'], context({ installed: new Map([['sbxp-dep', '1.2']]) }))).rejects.toThrow(/conflicts with sbxp-dep 1\.2, already chosen for this sandbox \(installed\)/);
    await expect(resolveRequirements(['sbxp-top @ http://x/y.whl'], context())).rejects.toThrow(/URL requirements are not supported/);
  });
  it('without the distribution, its packages are looked up on the index, with a hint when missing there', async () => {
    await expect(resolveRequirements(['sbxp-top'], context({ lockAvailable: false }))).rejects.toThrow(/^sbx-alpha \(needed by sbxp-top 2\.0\) is not on the package index .*set packageIndexUrl/);
  });
  it('without an index, names the distribution lacks are refused with what to set', async () => {
    await expect(resolveRequirements(['sbxp-top'], context({ indexUrl: undefined }))).rejects.toThrow(/not a package of this Pyodide distribution \(set pypiIndexUrl/);
  });
  it('keeps what is installed and satisfies the request', async () => {
    const r = await resolveRequirements(['sbxp-top'], context({ installed: new Map([['sbxp-dep', '1.2']]) }));
    expect(r.wheels.map((w) => w.name)).toEqual(['sbxp-top']);
  });
});

describe('isPureWheel', () => {
  it('takes py3, py3N up to this Python, and cp3N of it, with no ABI and any platform', () => {
    expect(isPureWheel('a-1.0-py3-none-any.whl', '3.14')).toBe(true);
    expect(isPureWheel('a-1.0-py2.py3-none-any.whl', '3.14')).toBe(true);
    expect(isPureWheel('a-1.0-1-py312-none-any.whl', '3.14')).toBe(true);
    expect(isPureWheel('a-1.0-cp314-none-any.whl', '3.14')).toBe(true);
    expect(isPureWheel('a-1.0-py315-none-any.whl', '3.14')).toBe(false);
    expect(isPureWheel('a-1.0-cp313-none-any.whl', '3.14')).toBe(false);
    expect(isPureWheel('a-1.0-py2-none-any.whl', '3.14')).toBe(false);
    expect(isPureWheel('a-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl', '3.14')).toBe(false);
    expect(isPureWheel('a-1.0.tar.gz', '3.14')).toBe(false);
  });
});

describe('resolution bounds', () => {
  it("looks up no more projects on the index than it may (a guest's run has only so many left)", async () => {
    const ctx = context({ maxIndexProjects: 1 });
    await expect(resolveRequirements(['sbxp-top'], ctx)).rejects.toThrow(/would look up more than 1 projects on the index: refused/);
    expect(ctx.asked.filter((u) => !/\/\d[^/]*\/json$/.test(u))).toHaveLength(1);
  });
});
