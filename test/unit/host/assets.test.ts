/** The assets' layout: the literal URLs bundlers see match the folder layout used with assetsUrl. */
import { describe, expect, it } from 'vitest';
import { manifestAt } from '../../../src/host/assets.js';
import { javascriptEngine } from '../../../src/host/javascript-engine.js';
import { pythonEngine } from '../../../src/host/python-engine.js';

describe('asset layout', () => {
  it.each([['javascript', javascriptEngine], ['python', pythonEngine]] as const)('%s: the bundled URLs equal the layout beside the module', (language, engine) => {
    const here = new URL('../../../src/host/', import.meta.url);
    expect(engine()).toEqual(manifestAt(here, language));
  });
  it('resolves under a user folder', () => {
    const m = manifestAt(new URL('https://cdn.example/ai/'), 'python');
    expect(m.worker.href).toBe('https://cdn.example/ai/python-worker.js');
    expect(m.files['pyodide.asm.wasm']!.href).toBe('https://cdn.example/ai/pyodide/pyodide.asm.wasm');
  });
});

describe('pyodideDistributionUrl', () => {
  it('is the official CDN folder of exactly the installed Pyodide, in the layout Pyodide itself uses', async () => {
    const { readFile } = await import('node:fs/promises');
    const { pyodideDistributionUrl } = await import('../../../src/python.js');
    const installed = JSON.parse(await readFile('node_modules/pyodide/package.json', 'utf8')) as { version: string };
    expect(pyodideDistributionUrl).toBe(`https://cdn.jsdelivr.net/pyodide/v${installed.version}/full/`);
    // Pyodide's loader builds its own default index URL the same way.
    expect(await readFile('node_modules/pyodide/pyodide.mjs', 'utf8')).toContain('cdn.jsdelivr.net/pyodide/v${');
  });
});
