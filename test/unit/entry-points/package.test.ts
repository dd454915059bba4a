/**
 * What `npm pack` ships (run after `npm run build`, as `npm test` does): the library only, every
 * entry point `exports` names, and the adapters' frameworks as optional peers.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
};

describe('the npm package', () => {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', timeout: 60_000 });
  const [report] = JSON.parse(packed.stdout) as Array<{ size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  const files = new Set(report!.files.map((f) => f.path));

  it('holds the built library, the license and the readme, and no demo or test file', () => {
    for (const path of files) expect(path).toMatch(/^(dist\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/);
    expect(files).toContain('LICENSE');
    expect([...files].filter((path) => /sw\.js|demo|test/.test(path))).toEqual([]);
    for (const runtime of ['dist/frame.htm', 'dist/worker.js', 'dist/quickjs.wasm', 'dist/python-worker.js', 'dist/pyodide/pyodide.asm.wasm']) expect(files).toContain(runtime);
  });

  it('contains every file that exports names, types included', () => {
    for (const target of Object.values(pkg.exports)) {
      for (const path of typeof target === 'string' ? [target] : [target.import, target.types]) expect(files).toContain(path.slice(2));
    }
  });

  it('leaves every adapter framework to the app, as an optional peer', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@langchain/core', '@modelcontextprotocol/sdk', 'ai', 'react']);
    for (const name of Object.keys(pkg.peerDependencies)) expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    expect(report!.unpackedSize).toBeLessThan(16e6);
  });
});
