/** The assets' layout: the literal URLs bundlers see match the folder layout used with assetsUrl. */
import { describe, expect, it } from 'vitest';
import { defaultManifest, manifestAt } from '../../src/host/assets.js';

describe('asset layout', () => {
  it.each(['javascript', 'python'] as const)('%s: default URLs equal the layout beside the module', (language) => {
    const here = new URL('../../src/host/', import.meta.url);
    expect(defaultManifest(language)).toEqual(manifestAt(here, language));
  });
  it('resolves under a user folder', () => {
    const m = manifestAt(new URL('https://cdn.example/ai/'), 'python');
    expect(m.worker.href).toBe('https://cdn.example/ai/python-worker.js');
    expect(m.files['pyodide.asm.wasm']!.href).toBe('https://cdn.example/ai/pyodide/pyodide.asm.wasm');
  });
});
