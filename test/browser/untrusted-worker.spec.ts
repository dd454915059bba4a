/**
 * A Python guest owns its worker's whole JavaScript scope. These are the attacks that used to work
 * against the bridge (found by trying them on the built package), each now a test of what holds:
 * reset() and a pool's hand-off start a fresh interpreter, host caps hold whatever the guest
 * replaces, work a run leaves behind ends with it, and host file operations never follow a link
 * the guest planted.
 */
// @runs chromium:coi firefox:plain — Chromium's isolated page and Firefox's plain page: Python-heavy, seconds per start
import type { SandboxEvent } from '../../src/index.js';
import { expect, runIn, sharedHost, test } from './helpers.js';

declare global {
  interface Window {
    events: SandboxEvent[];
    toolCalls: number;
    toolArgs: number;
  }
}

/** Code that replaces what the worker and the runner use, so that later runs would answer forged results. */
const TAKE_OVER = `
import js, sys, builtins, _ai_sandbox
builtins.planted = "planted"
sys.modules["planted"] = sys
async def forged_run(code, max_value_bytes):
    return '{"kind": "returned", "valueJson": "\\\\"forged\\\\"", "text": "forged"}'
_ai_sandbox.session.run = forged_run
js.JSON.parse = lambda *args: {"kind": "returned"}
"taken over"`;

test.describe('python: boundaries that mean it', () => {
  test.describe.configure({ mode: 'serial' });
  const host = sharedHost(async (page) => {
    await page.evaluate(async () => {
      window.toolCalls = 0;
      window.toolArgs = 0;
      window.events = [];
      window.sandboxes.py = await window.lib.createSandbox({
        language: 'python',
        maxToolCalls: 50,
        maxToolArgumentBytes: 1024 * 1024,
        onEvent: (e) => window.events.push(e),
        tools: {
          count: (args) => {
            window.toolCalls++;
            window.toolArgs = Math.max(window.toolArgs, JSON.stringify(args ?? null).length);
            return window.toolCalls;
          },
        },
      });
    });
  });
  const run = (code: string, options: Record<string, unknown> = {}) => runIn(host(), 'py', code, options);

  test('a guest that takes over its interpreter still only returns plain data, and reset() leaves nothing of it', async () => {
    expect((await run(TAKE_OVER)).value).toBe('taken over');
    // Within the session the interpreter is the guest's: what it returns is its own account, but
    // only ever plain data within the caps.
    const forged = await run('1 + 1');
    expect(forged.status).toBe('ok');
    expect(forged.value === 2 || forged.value === 'forged').toBe(true);
    await host().evaluate(() => window.sandboxes.py!.reset());
    expect(await run('1 + 1')).toMatchObject({ status: 'ok', value: 2, stdout: '', stateLost: false });
    expect((await run('import builtins, sys\n[hasattr(builtins, "planted"), "planted" in sys.modules]')).value).toEqual([false, false]);
  });

  test('files written before reset() are gone after it', async () => {
    await host().evaluate(() => window.sandboxes.py!.fs.writeFile('upload.csv', 'secret'));
    expect((await run('open("upload.csv").read()')).value).toBe('secret');
    await host().evaluate(() => window.sandboxes.py!.reset());
    expect((await run('import os\nos.path.exists("upload.csv")')).value).toBe(false);
  });

  test('tool calls past maxToolCalls fail in the guest and never reach the host', async () => {
    const before = await host().evaluate(() => window.toolCalls);
    const r = await run('n = 0\ntry:\n    for i in range(100_000):\n        await tools.count()\n        n += 1\nexcept Exception as e:\n    print(type(e).__name__, e)\nn');
    expect(r.value).toBe(50);
    expect(r.stdout).toMatch(/^ToolError .*more than 50 tool calls/);
    expect((await host().evaluate(() => window.toolCalls)) - before).toBe(50);
  });

  test('a tool argument past maxToolArgumentBytes fails in the guest and is never parsed by the host', async () => {
    const r = await run('try:\n    await tools.count("a" * 60_000_000)\nexcept Exception as e:\n    result = str(e)\nresult');
    expect(r.value).toMatch(/larger than 1048576 bytes/);
    expect(await host().evaluate(() => window.toolArgs)).toBeLessThan(1024 * 1024);
  });

  test('asyncio tasks and js timers a run leaves behind end with it', async () => {
    const r = await run(`
import asyncio, js
from pyodide.ffi import create_proxy
async def spin():
    while True:
        await asyncio.sleep(0)
        print("background")
asyncio.ensure_future(spin())
js.setTimeout(create_proxy(lambda: print("timer")), 50)
js.setInterval(create_proxy(lambda: print("interval")), 20)
await asyncio.sleep(0.01)
"left behind"`);
    expect(r.value).toBe('left behind');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await run('import asyncio\nawait asyncio.sleep(0.2)\nlen(asyncio.all_tasks())');
    expect(next).toMatchObject({ status: 'ok', value: 1, stdout: '' });
  });

  test('a task that resists cancellation is stopped with its worker, and the next run says so', async () => {
    const r = await run(`
import asyncio
async def resist():
    # Survives the cancel at the end of its run, then keeps the worker busy for ever.
    while True:
        try:
            await asyncio.sleep(0.05)
            break
        except asyncio.CancelledError:
            pass
    while True:
        pass
asyncio.ensure_future(resist())
await asyncio.sleep(0.01)
"started"`);
    expect(r.value).toBe('started');
    await expect
      .poll(() => host().evaluate(() => window.events.filter((e) => e.type === 'sandbox-restarted').map((e) => (e as { message: string }).message)), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(/stayed busy after its run ended/));
    expect(await run('1 + 1')).toMatchObject({ status: 'ok', value: 2, stateLost: true });
  });

  test('host file operations never follow links the guest planted, nor leave /home/user', async () => {
    await run('import os\nos.symlink("/lib", "out")\nos.symlink("/", "root")\nos.makedirs("real", exist_ok=True)\nos.symlink("/tmp", "real/tmp")');
    const outcome = await host().evaluate(async () => {
      const fs = window.sandboxes.py!.fs;
      const attempt = (p: Promise<unknown>) => p.then(() => 'done', (e: Error & { errno?: string }) => `${e.name}:${e.errno}`);
      const readThrough = await attempt(fs.readFile('root/etc/passwd'));
      const listThrough = await attempt(fs.readdir('real/tmp'));
      const writeThrough = await attempt(fs.writeFile('real/tmp/planted.txt', 'x'));
      const outside = await attempt(fs.readFile('/lib/python3.14/os.py'));
      const climbing = await attempt(fs.readdir('../../lib'));
      const removeLink = await attempt(fs.remove('out'));
      const removeRoot = await attempt(fs.remove('root'));
      return { removeLink, removeRoot, readThrough, listThrough, writeThrough, outside, climbing };
    });
    expect(outcome).toEqual({
      removeLink: 'done',
      removeRoot: 'done',
      readThrough: 'SandboxFileError:ELOOP',
      listThrough: 'SandboxFileError:ELOOP',
      writeThrough: 'SandboxFileError:ELOOP',
      outside: 'SandboxFileError:EACCES',
      climbing: 'SandboxFileError:EACCES',
    });
    // The links were removed, not what they pointed to: the interpreter's own files are intact.
    expect(await run('import os, json\n[os.path.exists("out"), os.path.isdir("/lib/python3.14"), os.path.isdir("/tmp"), json.dumps([1])]')).toMatchObject({
      status: 'ok',
      value: [false, true, true, '[1]'],
    });
  });
});

test('a pool hand-off gives the next user nothing of the last', async ({ host }) => {
  test.setTimeout(180_000);
  const seen = await host.evaluate(async () => {
    const pool = window.lib.createSandboxPool({ language: 'python', size: 1, maxSize: 1 });
    // User A plants code that would watch later users, and leaves a file.
    const a = await pool.acquire();
    await a.run(`
import builtins, sys, _ai_sandbox
builtins.seen = []
original = _ai_sandbox.session.run
async def watching(code, max_value_bytes):
    builtins.seen.append(code)
    return await original(code, max_value_bytes)
_ai_sandbox.session.run = watching
open("a.txt", "w").write("a")`);
    await pool.release(a);
    // User B uploads a file and runs code.
    const b = await pool.acquire();
    await b.fs.writeFile('b-upload.txt', 'B secret');
    await b.run('b_secret = 42');
    // A kept its reference: the lease was revoked when A released it.
    const stale = await Promise.all([a.fs.readFile('b-upload.txt'), a.run('b_secret')].map((p) => (p as Promise<unknown>).then(() => 'reached B', (e: Error) => e.name)));
    await pool.release(b);
    // User A again (the pool holds one sandbox): what is left of B, or of A's own planting?
    const again = await pool.acquire();
    const r = await again.run('import builtins, os\n[getattr(builtins, "seen", None), os.path.exists("b-upload.txt"), os.path.exists("a.txt"), "b_secret" in globals()]');
    await pool.dispose();
    return { ownHandles: a !== b && b !== again && a !== again, stale, value: r.value };
  });
  expect(seen).toEqual({ ownHandles: true, stale: ['DisposedError', 'DisposedError'], value: [null, false, false, false] });
});
