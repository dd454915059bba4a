// @ts-check
/**
 * `npm run check:packages`: the check this repository's offline suite cannot make. With network
 * access, it loads numpy, pandas and matplotlib from the official Pyodide distribution
 * (`pyodideDistributionUrl`, jsDelivr) into a real sandbox in Chromium, through `autoInstall`,
 * draws a chart, and prints what it saw: the install's packages and time, the result, the PNG, and
 * the interpreter's peak memory (the number the default `memoryLimitMB` must leave room for).
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

const server = await startStaticServer('coi', 0);
const address = /** @type {import('node:net').AddressInfo} */ (server.address());
const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
let failed = true;
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${address.port}/test/browser/pages/blank.html`);
  const report = await page.evaluate(async (code) => {
    const url = '/dist/index.js';
    /** @type {any} */
    const lib = await import(url);
    /** @type {Array<Record<string, unknown>>} */
    const events = [];
    const started = performance.now();
    const sandbox = await lib.createSandbox({ language: 'python', packageIndexUrl: lib.pyodideDistributionUrl, autoInstall: true, timeoutMs: 300_000, onEvent: (/** @type {Record<string, unknown>} */ e) => events.push(e) });
    try {
      const result = await sandbox.run(code).then(
        (/** @type {any} */ r) => ({ status: r.status, value: r.value, error: r.error, images: r.outputs.filter((/** @type {any} */ o) => o.mime === 'image/png').map((/** @type {any} */ o) => o.data.length) }),
        (/** @type {Error} */ e) => ({ status: 'rejected', error: `${e.name}: ${e.message}` }),
      );
      const installed = events.find((e) => e.type === 'packages-installed');
      const finished = events.find((e) => e.type === 'run-finished');
      return {
        index: lib.pyodideDistributionUrl,
        seconds: (performance.now() - started) / 1000,
        installed: /** @type {string[] | undefined} */ (installed?.packages),
        result,
        peakMemoryBytes: /** @type {number | undefined} */ (finished?.peakMemoryBytes),
      };
    } finally {
      await sandbox.dispose();
    }
  }, CODE);
  console.log(JSON.stringify(report, null, 2));
  failed = report.result.status !== 'ok' || !report.result.images?.length;
  console.log(failed ? 'check:packages FAILED' : `check:packages ok: ${report.installed?.length} packages, ${report.seconds.toFixed(1)} s, peak memory ${((report.peakMemoryBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
