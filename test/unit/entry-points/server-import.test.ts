/**
 * Importing the package on a server (SSR in Next.js and the like) never throws; starting a sandbox
 * there fails with a named error.
 */
import { describe, expect, it } from 'vitest';

describe('on a server', () => {
  it.each(['index', 'javascript', 'python'])('src/%s.ts imports, and createSandbox rejects with SandboxStartError', async (entry) => {
    const lib = (await import(`../../../src/${entry}.ts`)) as typeof import('../../../src/index.js');
    await expect(lib.createSandbox({ language: 'javascript' })).rejects.toThrow(lib.SandboxStartError);
    await expect(lib.createSandbox({ language: 'javascript' })).rejects.toThrow(/runs in a browser page/);
  });
  it('the tool module imports and works without a browser', async () => {
    const { runCodeToolDefinition } = await import('../../../src/tool.js');
    expect(runCodeToolDefinition().name).toBe('run_code');
  });
});
