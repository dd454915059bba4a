/**
 * Python packages, offline: the test builds a small pure-Python wheel, serves it from the test
 * server, and installs it. Distribution packages (numpy…) need a package index, which these
 * machines do not have; what happens without one is tested instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, runIn, sharedHost, test } from './helpers.js';

const WHEEL = 'hello_sandbox-1.0-py3-none-any.whl';
const WHEEL_PATH = `/test/fixtures/wheels/${WHEEL}`;

/** Writes the wheel with Python's zipfile: a package module plus the dist-info a wheel needs. */
function buildWheel(): void {
  const dir = fileURLToPath(new URL('../fixtures/wheels/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const script = `
import sys, zipfile
files = {
  "hello_sandbox/__init__.py": "def greet(name):\\n    return f'hello {name} from a wheel'\\n",
  "hello_sandbox-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: hello-sandbox\\nVersion: 1.0\\n",
  "hello_sandbox-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: ai-sandbox-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
files["hello_sandbox-1.0.dist-info/RECORD"] = "".join(f"{name},,\\n" for name in files) + "hello_sandbox-1.0.dist-info/RECORD,,\\n"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, text in files.items():
        z.writestr(name, text)
`;
  execFileSync('python3', ['-c', script, `${dir}${WHEEL}`]);
}

test.beforeAll(buildWheel);

test.describe('python packages', () => {
  test.describe.configure({ mode: 'serial' });
  const host = sharedHost(async (page) => {
    await page.evaluate(async (wheel) => {
      window.sandboxes.py = await window.lib.createSandbox({ language: 'python', packages: [wheel] });
    }, WHEEL_PATH);
  });
  const run = (code: string) => runIn(host(), 'py', code);

  test('a wheel given in `packages` is installed at start', async () => {
    expect(await run('import hello_sandbox\nhello_sandbox.greet("Ann")')).toMatchObject({ status: 'ok', value: 'hello Ann from a wheel' });
  });

  test('packages are installed again after the engine is replaced', async () => {
    const killed = await runIn(host(), 'py', 'sum(range(10 ** 12))', { timeoutMs: 200 });
    expect(killed).toMatchObject({ status: 'timeout', stateLost: true });
    expect(await run('import hello_sandbox\nhello_sandbox.greet("Bob")')).toMatchObject({ status: 'ok', value: 'hello Bob from a wheel' });
  });

  test('a distribution package without a package index: a clear ModuleNotFoundError and PackageError', async () => {
    const r = await run('import numpy');
    expect(r).toMatchObject({ status: 'error', error: { name: 'ModuleNotFoundError' } });
    expect(r.error!.message).toMatch(/No module named 'numpy'.*packageIndexUrl.*installPackages/);
    const errors = await host().evaluate(async () => {
      const out: string[] = [];
      for (const names of [['numpy'], ['surely-not-a-package'], 'numpy' as unknown as string[]]) {
        try {
          await window.sandboxes.py!.installPackages(names);
          out.push('installed');
        } catch (e) {
          out.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      return out;
    });
    expect(errors[0]).toMatch(/^PackageError: .*numpy.*needs a packageIndexUrl/);
    expect(errors[1]).toMatch(/^PackageError: .*surely-not-a-package.*not a package of this Pyodide distribution/);
    expect(errors[2]).toMatch(/^TypeError: .*packages must be an array/);
  });

  test('a wheel that cannot be fetched is a PackageError naming the URL', async () => {
    const error = await host().evaluate(() =>
      window.sandboxes.py!.installPackages(['/test/fixtures/wheels/missing-1.0-py3-none-any.whl']).then(
        () => 'installed',
        (e: Error) => `${e.name}: ${e.message}`,
      ),
    );
    expect(error).toMatch(/^PackageError: could not fetch .*missing-1.0-py3-none-any.whl: HTTP 404/);
    expect((await run('1 + 1')).value).toBe(2);
  });
});

test('installPackages() on a JavaScript sandbox is NotSupportedError', async ({ host: page }) => {
  const error = await page.evaluate(async () => {
    const sb = await window.lib.createSandbox({ language: 'javascript' });
    try {
      await sb.installPackages(['numpy']);
      return 'installed';
    } catch (e) {
      return (e as Error).name;
    } finally {
      await sb.dispose();
    }
  });
  expect(error).toBe('NotSupportedError');
});
