// @ts-check
/**
 * `npm run check:packages`: the check this repository's offline suite cannot make. With network
 * access, it loads numpy, pandas and matplotlib from the official Pyodide distribution
 * (`pyodideDistributionUrl`, jsDelivr) into a real sandbox in Chromium, through `autoInstall`,
 * draws a chart, and prints what it saw: the install's packages and time, the result, the PNG, and
 * the interpreter's peak memory (the number the default `memoryLimitMB` must leave room for).
 * Then it installs pure-Python projects the distribution lacks from the real PyPI (`pypiIndexUrl:
 * pypiUrl`): tabulate, and markdown-it-py with its dependency mdurl.
 * Exits 1 when anything fails. Not part of `npm test`: CI and these machines have no CDN.
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../test/browser/chromium.mjs';
import { startStaticServer } from '../test/server/static-server.mjs';

const CODE = `import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

frame = pd.DataFrame({"x": np.arange(10), "y": np.arange(10) ** 2})
frame.plot(x="x", y="y", title="squares")
plt.show()
{"numpy": np.__version__, "pandas": pd.__version__, "sum": int(frame["y"].sum())}`;

const PYPI_CODE = `import tabulate, markdown_it, mdurl
{"table": tabulate.tabulate([[1, 2]]), "html": markdown_it.MarkdownIt().render("# hi"), "mdurl": mdurl.__name__}`;

const server = await startStaticServer('coi', 0);
const address = /** @type {import('node:net').AddressInfo} */ (server.address());
const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
let failed = true;
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${address.port}/test/browser/pages/blank.html`);
  const report = await page.evaluate(
    async ([code, pypiCode]) => {
      const url = '/dist/index.js';
      /** @type {any} */
      const lib = await import(url);
      /** Runs `code` in a fresh sandbox made with `options`: what was installed, the result, the time. */
      const check = async (/** @type {Record<string, unknown>} */ options, /** @type {string} */ source) => {
        /** @type {Array<Record<string, unknown>>} */
        const events = [];
        const started = performance.now();
        const sandbox = await lib.createSandbox({ language: 'python', timeoutMs: 300_000, ...options, onEvent: (/** @type {Record<string, unknown>} */ e) => events.push(e) }).catch((/** @type {Error} */ e) => e);
        if (sandbox instanceof Error) return { result: { status: 'rejected', error: `${sandbox.name}: ${sandbox.message}` } };
        try {
          const result = await sandbox.run(source).then(
            (/** @type {any} */ r) => ({ status: r.status, value: r.value, error: r.error, images: r.outputs.filter((/** @type {any} */ o) => o.mime === 'image/png').map((/** @type {any} */ o) => o.data.length) }),
            (/** @type {Error} */ e) => ({ status: 'rejected', error: `${e.name}: ${e.message}` }),
          );
          const finished = events.find((e) => e.type === 'run-finished');
          return {
            seconds: (performance.now() - started) / 1000,
            installed: events.filter((e) => e.type === 'packages-installed').flatMap((e) => /** @type {string[]} */ (e.packages)),
            result,
            peakMemoryBytes: /** @type {number | undefined} */ (finished?.peakMemoryBytes),
          };
        } finally {
          await sandbox.dispose();
        }
      };
      const distribution = await check({ packageIndexUrl: lib.pyodideDistributionUrl, autoInstall: true }, code);
      const pypi = await check({ packageIndexUrl: lib.pyodideDistributionUrl, pypiIndexUrl: lib.pypiUrl, packages: ['tabulate', 'markdown-it-py'] }, pypiCode);
      return { index: lib.pyodideDistributionUrl, pypiIndex: lib.pypiUrl, distribution, pypi };
    },
    /** @type {[string, string]} */ ([CODE, PYPI_CODE]),
  );
  console.log(JSON.stringify(report, null, 2));
  const { distribution, pypi } = report;
  failed = distribution.result.status !== 'ok' || !distribution.result.images?.length || pypi.result.status !== 'ok';
  console.log(
    failed
      ? 'check:packages FAILED'
      : `check:packages ok: ${distribution.installed?.length} distribution packages, ${distribution.seconds?.toFixed(1)} s, peak memory ${((distribution.peakMemoryBytes ?? 0) / 2 ** 20).toFixed(0)} MiB; from PyPI: ${pypi.installed?.join(', ')} in ${pypi.seconds?.toFixed(1)} s`,
  );
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
