/**
 * Python packages, offline: the suite builds a small pure-Python wheel (test/fixtures/package-index.ts),
 * serves it from the test server, and installs it; and a package index with the layout of Pyodide's distribution (its
 * lock file extended with packages the suite builds, test/fixtures/package-index.ts) serves
 * packages by name, with dependencies, data files, a wrong hash and a missing wheel; and an index
 * with PyPI's JSON API serves pure-Python projects with releases, markers and extras. Real
 * distribution packages (numpy…) need Pyodide's CDN, which these machines cannot reach.
 */
// @runs chromium:csp firefox:plain webkit:csp — where the host page's CSP is strict (the page fetches the wheels) in Chromium and WebKit, and Firefox's plain page
import { expect, runIn, sharedHost, test } from './helpers.js';
import { INDEX_PATH, OTHER_PYTHON_INDEX_PATH, PYPI_PATH, TEST_WHEEL } from '../fixtures/package-index.js';

declare global {
  interface Window {
    /** The `packages` of each packages-installed event of the PyPI-index sandbox. */
    pypiInstalls: string[][];
  }
}

const WHEEL_PATH = `/test/fixtures/wheels/${TEST_WHEEL}`;

// Independent tests and serial groups: spread over the workers, so no one worker waits out the file.
test.describe.configure({ mode: 'parallel' });

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

  test('packages are installed again after the engine is replaced', async ({ browserName }) => {
    // Reinstalling after a restart is the host's work, the same in every engine (and the install into a
    // fresh worker is what the start tests check in WebKit too); a WebKit restart costs over 30 s here.
    test.skip(browserName === 'webkit', 'the host reinstalls the same way in every engine; checked in Chromium and Firefox (a WebKit restart costs over 30 s)');
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

/** Installs `names` in the named sandbox: 'installed', or the error's name and message. */
const install = (page: import('@playwright/test').Page, name: string, names: string[]) =>
  page.evaluate(
    ([name, names]) =>
      window.sandboxes[name]!.installPackages(names).then(
        () => 'installed',
        (e: Error) => `${e.name}: ${e.message}`,
      ),
    [name, names] as const,
  );

test.describe("a package index with the layout of Pyodide's distribution", () => {
  test.describe.configure({ mode: 'serial' });
  const host = sharedHost(async (page) => {
    await page.evaluate(async (index) => {
      window.sandboxes.idx = await window.lib.createSandbox({ language: 'python', packageIndexUrl: index, packages: ['sbx-data'] });
    }, INDEX_PATH);
  });
  const run = (code: string) => runIn(host(), 'idx', code);

  test('a package listed in its lock file (not the bundled one) installs at start, with its data files', async () => {
    expect(await run('import sbx_data\nsbx_data.table()')).toMatchObject({ status: 'ok', value: 'city,people\nOslo,709000\n' });
  });

  test('installPackages by name brings its dependencies along, and the import hint knows the index', async () => {
    const hint = await run('import sbx_alpha');
    expect(hint.error?.message).toMatch(/No module named 'sbx_alpha'.*installPackages\(\['sbx-alpha'\]\)/s);
    expect(await install(host(), 'idx', ['sbx-alpha'])).toBe('installed');
    expect(await run('import sbx_alpha\nsbx_alpha.name()')).toMatchObject({ status: 'ok', value: 'alpha+beta+gamma' });
  });

  test('a wheel whose sha256 does not match the lock file is refused, naming the package', async () => {
    const error = await install(host(), 'idx', ['sbx-badhash']);
    expect(error).toMatch(/^PackageError: sbx_badhash-1\.0-py3-none-any\.whl from \S+ does not match the lock file's sha256 \(expected 0{64}, got [0-9a-f]{64}\): refused$/);
    expect((await run('import sbx_badhash')).error?.name).toBe('ModuleNotFoundError');
  });

  test('a listed wheel missing from the index is a PackageError naming its URL', async () => {
    expect(await install(host(), 'idx', ['sbx-missing'])).toMatch(/^PackageError: could not fetch \S+\/wheels\/index\/sbx_missing-1\.0-py3-none-any\.whl: HTTP 404/);
    expect((await run('1 + 1')).value).toBe(2);
  });
});

test.describe('a PyPI-compatible index (its JSON API), beside the distribution', () => {
  test.describe.configure({ mode: 'serial' });
  const host = sharedHost(async (page) => {
    await page.evaluate(
      async ([index, pypi]) => {
        window.pypiInstalls = [];
        window.sandboxes.pypi = await window.lib.createSandbox({
          language: 'python',
          packageIndexUrl: index,
          pypiIndexUrl: pypi,
          packages: ['sbxp-top[fancy]'],
          onEvent: (e) => e.type === 'packages-installed' && window.pypiInstalls.push(e.packages),
        });
      },
      [INDEX_PATH, PYPI_PATH],
    );
  });
  const versions = 'import importlib.util, sbxp_top, sbxp_dep, sbxp_extra, sbx_alpha\n[sbxp_top.VERSION, sbxp_dep.VERSION, sbxp_extra.VERSION, sbx_alpha.name(), importlib.util.find_spec("sbxp_windows")]';
  const expected = ['2.0', '1.2', '1.0', 'alpha+beta+gamma', null];

  test('a requirement resolves at start: the newest pure-Python release, dependencies by their markers and extras, distribution packages from its lock file', async () => {
    expect(await runIn(host(), 'pypi', versions)).toMatchObject({ status: 'ok', value: expected });
    const installs = await host().evaluate(() => window.pypiInstalls);
    expect(installs).toHaveLength(1);
    expect([...installs[0]!].sort()).toEqual(['sbx-alpha', 'sbx-beta', 'sbx-gamma', 'sbxp-dep==1.2', 'sbxp-extra==1.0', 'sbxp-top==2.0']);
  });

  test('after the engine is replaced, the same releases are installed again', async ({ browserName }) => {
    // Reinstalling after a restart is the host's work, the same in every engine (and the install into a
    // fresh worker is what the start tests check in WebKit too); a WebKit restart costs over 30 s here.
    test.skip(browserName === 'webkit', 'the host reinstalls the same way in every engine; checked in Chromium and Firefox (a WebKit restart costs over 30 s)');
    expect(await runIn(host(), 'pypi', 'sum(range(10 ** 12))', { timeoutMs: 300 })).toMatchObject({ status: 'timeout', stateLost: true });
    expect(await runIn(host(), 'pypi', versions)).toMatchObject({ status: 'ok', value: expected });
  });

  test('refusals are PackageErrors that name the project and the reason, and the sandbox runs on', async () => {
    expect(await install(host(), 'pypi', ['sbxp-nowhere'])).toMatch(/^PackageError: sbxp-nowhere is not on the package index \S+\/pypi\/ \(HTTP 404 for \S+\/sbxp-nowhere\/json\)$/);
    expect(await install(host(), 'pypi', ['sbxp-badhash'])).toMatch(/^PackageError: \S+\/sbxp_badhash-1\.0-py3-none-any\.whl does not match the package index's sha256 \(expected 0{64}, got [0-9a-f]{64}\): refused$/);
    expect(await install(host(), 'pypi', ['sbxp-native'])).toMatch(/^PackageError: sbxp-native: no release on \S+ has a pure-Python wheel for Python 3\.14/);
    expect(await install(host(), 'pypi', ['sbxp-conflict'])).toMatch(/^PackageError: sbxp-dep==1\.0 \(needed by sbxp-conflict 1\.0\) conflicts with sbxp-dep 1\.2, already chosen for this sandbox \(installed\)$/);
    expect(await install(host(), 'pypi', ['sbxp-top @ https://example.com/x.whl'])).toMatch(/^PackageError: .*URL requirements are not supported/);
    expect(await runIn(host(), 'pypi', 'import importlib.util\n[importlib.util.find_spec(m) for m in ("sbxp_badhash", "sbxp_native", "sbxp_conflict")]')).toMatchObject({ status: 'ok', value: [null, null, null] });
    expect(await runIn(host(), 'pypi', versions)).toMatchObject({ status: 'ok', value: expected });
  });
});

test('a PyPI-compatible index alone: version specifiers, and a distribution package that it lacks is refused with what to set', async ({ host }) => {
  const out = await host.evaluate(async (pypi) => {
    const sb = await window.lib.createSandbox({ language: 'python', pypiIndexUrl: pypi });
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'installed',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    const old = await outcome(sb.installPackages(['sbxp-top==1.0']));
    const value = (await sb.run('import sbxp_top, sbxp_dep\n[sbxp_top.VERSION, sbxp_dep.VERSION]')).value;
    const fresh = await window.lib.createSandbox({ language: 'python', pypiIndexUrl: pypi });
    const distribution = await outcome(fresh.installPackages(['six']));
    await Promise.all([sb.dispose(), fresh.dispose()]);
    return { old, value, distribution };
  }, PYPI_PATH);
  expect(out).toEqual({
    old: 'installed',
    value: ['1.0', '1.0'],
    distribution: expect.stringMatching(/^PackageError: six is not on the package index \S+ \(HTTP 404 for \S+\) \(it is a package of the Pyodide distribution: set packageIndexUrl, e\.g\. to pyodideDistributionUrl\)$/),
  });
});

test('micropip: code installs from the indexes its app chose, during its run and again after restarts; a refusal raises micropip.InstallError', async ({ host }) => {
  const out = await host.evaluate(
    async ([index, pypi]) => {
      const events: Array<{ reason: string; runSeq?: number; packages: string[] }> = [];
      const options = { language: 'python' as const, packageIndexUrl: index, pypiIndexUrl: pypi, autoInstall: true };
      const sb = await window.lib.createSandbox({ ...options, micropip: true, allowPackages: ['sbxp-top', 'sbxp-nowhere'], onEvent: (e) => e.type === 'packages-installed' && events.push({ reason: e.reason, runSeq: e.runSeq, packages: [...e.packages].sort() }) });
      const first = await sb.run('import micropip\nawait micropip.install("sbxp-top")\nimport sbxp_top, sbxp_dep\n[sbxp_top.VERSION, sbxp_dep.VERSION, micropip.list().get("sbxp-top")]');
      const refused = await sb.run(
        'import micropip\nfor r in ["sbxp-nowhere", "/test/fixtures/wheels/hello_sandbox-1.0-py3-none-any.whl"]:\n    try:\n        await micropip.install(r)\n    except ValueError as e:\n        print(type(e).__name__, e)',
      );
      const killed = await sb.run('sum(range(10 ** 12))', { timeoutMs: 300 });
      const after = await sb.run('import sbxp_top\nsbxp_top.VERSION');
      await sb.dispose();
      const without = await window.lib.createSandbox({ language: 'python', packageIndexUrl: index, pypiIndexUrl: pypi });
      const absent = await without.run('import micropip\nawait micropip.install("sbxp-top")');
      await without.dispose();
      return { first: first.value, refused: refused.stdout, killed: killed.stateLost, after: after.value, events, absent: absent.error?.name };
    },
    [INDEX_PATH, PYPI_PATH],
  );
  const installed = ['sbx-alpha', 'sbx-beta', 'sbx-gamma', 'sbxp-dep==1.2', 'sbxp-top==2.0'];
  expect(out).toEqual({
    first: ['2.0', '1.2', '2.0'],
    refused: expect.stringMatching(
      /^InstallError micropip\.install: sbxp-nowhere is not on the package index \S+ \(HTTP 404 for \S+\)\nInstallError micropip\.install: \/test\/fixtures\/wheels\/hello_sandbox-1\.0-py3-none-any\.whl: code can install only by requirement/,
    ),
    killed: true,
    after: '2.0',
    events: [
      { reason: 'micropip', runSeq: 1, packages: installed },
      { reason: 'start', runSeq: undefined, packages: installed },
    ],
    // Without the option, micropip is only the distribution's package, not installed here.
    absent: 'ModuleNotFoundError',
  });
});

test("micropip with network 'none': a name the app did not allow is refused before the page fetches anything, and every request is audited", async ({ host }) => {
  const out = await host.evaluate(async (pypi) => {
    type Audit = { reason: string; requested: string[]; allowed: boolean; ok?: boolean; error?: string };
    const audits: Audit[] = [];
    const fetchedFor = (part: string) => performance.getEntriesByType('resource').filter((e) => e.name.includes(part)).length;
    const sb = await window.lib.createSandbox({ language: 'python', pypiIndexUrl: pypi, micropip: true, onEvent: (e) => e.type === 'package-request' && audits.push(e as unknown as Audit) });
    // A guest that encodes what it read into project names, for the index to receive.
    const refused = await sb.run('import micropip\nsecret = "t0ken"\ntry:\n    await micropip.install(f"leak-{secret}")\nexcept ValueError as e:\n    print(e)');
    const leakFetched = fetchedFor('leak-');
    // The app's own install is not the guest's: the page does fetch it (so the check above can fail).
    await sb.installPackages(['sbxp-top==1.0']);
    const installed = await sb.run('import sbxp_top\nsbxp_top.VERSION');
    await sb.dispose();
    return { refused: refused.stdout, leakFetched, appFetched: fetchedFor('/sbxp-top/json'), value: installed.value, audits };
  }, PYPI_PATH);
  expect(out.refused).toMatch(/^micropip\.install: leak-t0ken: this sandbox has no network access, so code may install only packages the app names in allowPackages/);
  expect(out.leakFetched).toBe(0);
  expect(out.appFetched).toBeGreaterThan(0);
  expect(out.value).toBe('1.0');
  expect(out.audits).toEqual([
    expect.objectContaining({ reason: 'micropip', requested: ['leak-t0ken'], allowed: false, runSeq: 1 }),
    expect.objectContaining({ reason: 'call', requested: ['sbxp-top==1.0'], allowed: true, ok: true, projects: 2, bytes: expect.any(Number) }),
  ]);
});

test('guest installs are capped per run (requests, new projects) and in bytes; a failed install is audited too', async ({ host }) => {
  const out = await host.evaluate(
    async ([index, pypi]) => {
      const audits: Array<{ reason: string; allowed: boolean; ok?: boolean; error?: string }> = [];
      const sb = await window.lib.createSandbox({
        language: 'python',
        packageIndexUrl: index,
        pypiIndexUrl: pypi,
        micropip: true,
        allowPackages: (name) => name.startsWith('sbx'),
        // sbx-gamma's wheel is 842 bytes; sbx-alpha's three are 2635.
        packageLimits: { maxInstallsPerRun: 3, maxProjectsPerRun: 2, maxInstallBytes: 1200 },
        onEvent: (e) => e.type === 'package-request' && audits.push(e as never),
      });
      const capped = await sb.run('import micropip\nfor r in ["sbxp-top", "sbx-gamma", "sbxp-nowhere", "sbx-beta"]:\n    try:\n        await micropip.install(r)\n        print("installed", r)\n    except ValueError as e:\n        print(e)');
      const tooBig = await sb.installPackages(['sbx-alpha']).then(() => 'installed', (e: Error) => `${e.name}: ${e.message}`);
      await sb.dispose();
      return { capped: capped.stdout.split('\n').filter(Boolean), audits: audits.map((a) => [a.reason, a.allowed, a.ok ?? null]), tooBig };
    },
    [INDEX_PATH, PYPI_PATH],
  );
  expect(out.capped).toEqual([
    // sbxp-top 2.0 brings five projects (two looked up on the index, three from the distribution).
    expect.stringMatching(/^micropip\.install: the installs of one run would bring more than 2 new projects \(packageLimits\.maxProjectsPerRun\): refused$/),
    'installed sbx-gamma',
    // One project left to look up: the index says it has none.
    expect.stringMatching(/sbxp-nowhere is not on the package index/),
    expect.stringMatching(/more than 3 install requests in one run \(packageLimits\.maxInstallsPerRun\)$/),
  ]);
  // Refused by a cap, done, failed at the index, refused by a cap; then the app's install, past its bytes.
  expect(out.audits).toEqual([
    ['micropip', false, null],
    ['micropip', true, true],
    ['micropip', true, false],
    ['micropip', false, null],
    ['call', true, false],
  ]);
  expect(out.tooBig).toMatch(/^PackageError: the install's wheels are larger than 1200 bytes \(packageLimits\.maxInstallBytes\); refused$/);
});

test("reset() starts from exactly the app's packages: what code installed (and installPackages added) is gone, and cannot shadow the next session's modules", async ({ host }) => {
  const out = await host.evaluate(
    async ([index, pypi]) => {
      const starts: string[][] = [];
      const sb = await window.lib.createSandbox({
        language: 'python',
        packageIndexUrl: index,
        pypiIndexUrl: pypi,
        packages: ['sbx-gamma'],
        micropip: true,
        allowPackages: 'any',
        onEvent: (e) => e.type === 'packages-installed' && e.reason === 'start' && starts.push([...e.packages].sort()),
      });
      await sb.installPackages(['sbx-data']);
      const installed = await sb.run('import micropip\nawait micropip.install("sbxp-top")\nimport sbxp_top, sbx_data\nsbxp_top.VERSION');
      await sb.reset();
      const after = await sb.run('import importlib.util, sys\n[bool(importlib.util.find_spec(m)) for m in ["sbx_gamma", "sbxp_top", "sbx_data"]] + [sys.path[0]]');
      await sb.dispose();
      return { installed: installed.value, after: after.value, starts };
    },
    [INDEX_PATH, PYPI_PATH],
  );
  expect(out.installed).toBe('2.0');
  // The app's package is back; the guest's and the earlier installPackages' are not; the sandbox's own folder leads the path.
  expect(out.after).toEqual([true, false, false, '/lib/ai_sandbox']);
  expect(out.starts).toEqual([['sbx-gamma'], ['sbx-gamma']]);
});

test("an install exempts only what it unpacks from memoryLimitMB, not the guest's files written before it", async ({ host }) => {
  const out = await host.evaluate(async (index) => {
    const sb = await window.lib.createSandbox({ language: 'python', packageIndexUrl: index, memoryLimitMB: 256 });
    // Written in 1 MB chunks, so that the interpreter's own memory stays small.
    const write = (name: string, mb: number) => sb.run(`with open("${name}", "wb") as f:\n    for _ in range(${mb}):\n        f.write(bytes(1024 * 1024))`);
    const first = await write('first.bin', 120);
    await sb.installPackages(['sbx-gamma']);
    const second = await write('second.bin', 150);
    await sb.dispose();
    return { first: first.status, second: second.status, error: second.error?.name };
  }, INDEX_PATH);
  // 120 MB + 150 MB of files are past 256 MB; before, the install made the first 120 MB the engine's.
  expect(out).toEqual({ first: 'ok', second: 'memory', error: 'OSError' });
});

test('an index for another Python or ABI is refused at start with a PackageError that says so', async ({ host }) => {
  const error = await host.evaluate(
    (index) =>
      window.lib.createSandbox({ language: 'python', packageIndexUrl: index }).then(
        () => 'started',
        (e: Error) => `${e.name}: ${e.message}`,
      ),
    OTHER_PYTHON_INDEX_PATH,
  );
  expect(error).toMatch(/^PackageError: the package index at \S+other-python\/ is for python "3\.12\.7", but this library's Pyodide has "3\.14\.2"/);
  expect(await host.locator('iframe').count()).toBe(0);
});

test('a sandbox started from a memory snapshot installs from the index too', async ({ host }) => {
  const outcome = await host.evaluate(async (index) => {
    const events: string[] = [];
    const options = { language: 'python' as const, snapshot: true, packageIndexUrl: index, onEvent: (e: { type: string }) => events.push(e.type) };
    const first = await window.lib.createSandbox(options);
    const deadline = Date.now() + 60_000;
    while (!events.includes('snapshot-made') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await first.dispose();
    const ready: boolean[] = [];
    const second = await window.lib.createSandbox({ ...options, onEvent: (e) => e.type === 'sandbox-ready' && ready.push((e as { fromSnapshot?: boolean }).fromSnapshot === true) });
    await second.installPackages(['sbx-alpha']);
    const result = await second.run('import sbx_alpha\nsbx_alpha.name()');
    await second.dispose();
    return { snapshotMade: events.includes('snapshot-made'), fromSnapshot: ready, value: result.value };
  }, INDEX_PATH);
  expect(outcome).toEqual({ snapshotMade: true, fromSnapshot: [true], value: 'alpha+beta+gamma' });
});

test('autoInstall: the index packages a run imports are installed first (with their dependencies), with progress and an event', async ({ host }) => {
  const out = await host.evaluate(async (index) => {
    const events: Array<{ type: string }> = [];
    const progress: Array<{ phase: string; loaded?: number; total?: number }> = [];
    const sb = await window.lib.createSandbox({ language: 'python', packageIndexUrl: index, autoInstall: true, onEvent: (e) => events.push(e), onProgress: (p) => progress.push(p) });
    progress.length = 0;
    const first = await sb.run('import json, sbx_alpha, xml.dom.minidom\nfrom sbx_data import table\nsbx_alpha.name() + " " + table().splitlines()[1]');
    const again = await sb.run('import sbx_alpha\nsbx_alpha.name()');
    const absent = await sb.run('import not_on_the_index');
    const unparsable = await sb.run('import sbx_gamma\nprint(');
    await sb.dispose();
    return { first: first.value, again: again.value, absent: absent.error?.name, unparsable: unparsable.error?.name, installs: events.filter((e) => e.type === 'packages-installed'), progress };
  }, INDEX_PATH);
  expect(out.first).toBe('alpha+beta+gamma Oslo,709000');
  expect(out.again).toBe('alpha+beta+gamma');
  expect(out.absent).toBe('ModuleNotFoundError');
  // Code that does not parse names no imports; its run reports the error.
  expect(out.unparsable).toBe('SyntaxError');
  expect(out.installs).toHaveLength(1);
  expect(out.installs[0]).toMatchObject({ reason: 'imports', runSeq: 1 });
  expect([...(out.installs[0] as unknown as { packages: string[] }).packages].sort()).toEqual(['sbx-alpha', 'sbx-beta', 'sbx-data', 'sbx-gamma']);
  expect(out.progress[0]).toEqual({ phase: 'packages', loaded: 0, total: 4 });
  expect(out.progress.at(-2)).toEqual({ phase: 'packages', loaded: 4, total: 4 });
  expect(out.progress.at(-1)).toEqual({ phase: 'ready' });
});

test('a slow package index: progress, then a PackageError at packageTimeoutMs, and the sandbox runs on', async ({ host }) => {
  const out = await host.evaluate(async () => {
    const progress: Array<{ phase: string; loaded?: number; total?: number }> = [];
    const sb = await window.lib.createSandbox({ language: 'python', packageIndexUrl: '/slow-index/', packageTimeoutMs: 1000, onProgress: (p) => progress.push(p) });
    progress.length = 0;
    const started = performance.now();
    const error = await sb.installPackages(['sbx-gamma']).then(
      () => 'installed',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await sb.run('6 * 7');
    await sb.dispose();
    return { error, seconds, progress, after: after.value };
  });
  expect(out.error).toMatch(/^PackageError: fetching \S+\/slow-index\/sbx_gamma-1\.0-py3-none-any\.whl timed out after 1000 ms \(packageTimeoutMs\)$/);
  expect(out.seconds).toBeLessThan(4);
  expect(out.progress).toEqual([{ phase: 'packages', loaded: 0, total: 1 }]);
  expect(out.after).toBe(42);
});
