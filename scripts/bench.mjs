// @ts-nocheck -- a script that drives a page; its page-side globals are untyped.
// `npm run bench`: ai-sandbox against bare quickjs-emscripten in a plain worker, side by side in
// one Chromium run, under a cross-origin isolated page and a plain one. Prints a table of medians
// and ratios, and writes bench-results/latest.json. Numbers only: nothing here passes or fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../test/browser/chromium.mjs';
import { startStaticServer } from '../test/server/static-server.mjs';

const root = new URL('..', import.meta.url).pathname;
const ITERATIONS = { cold: 7, warm: 200, cpu: 5, overrun: 6 };
const PY_ITERATIONS = { cold: 3, warm: 100, cpu: 3, overrun: 3 };

await build({
  configFile: false,
  logLevel: 'warn',
  root,
  build: {
    write: true,
    outDir: `${root}bench-dist`,
    emptyOutDir: true,
    minify: true,
    lib: { entry: `${root}bench/bare-worker.ts`, formats: ['iife'], name: 'bare', fileName: () => 'bare-worker.js' },
  },
});

const servers = { isolated: await startStaticServer('coi', 0), plain: await startStaticServer('plain', 0) };

const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
const results = {};
for (const [name, server] of [['isolated (COOP/COEP)', servers.isolated], ['plain', servers.plain]]) {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/bench/bench.html`);
  await page.waitForFunction(() => window.benchReady === true);
  results[name] = {
    javascript: await page.evaluate((it) => window.runBench('javascript', it), ITERATIONS),
    python: await page.evaluate((it) => window.runBench('python', it), PY_ITERATIONS),
  };
  await page.close();
  server.close();
}
await browser.close();

const rows = [
  ['cold start: create + first result', 'coldMs'],
  ['warm round trip of `1 + 1`', 'warmMs'],
  ['CPU-bound `fib(27)`', 'fib27Ms'],
  ['runaway loop back after its deadline', 'loopOverrunMs'],
  ['non-polling C call back after its deadline (kill)', 'killOverrunMs'],
];
const fmt = (v) => (v === null || v === undefined ? '—' : v.toFixed(1));
const baseline = { javascript: 'bare quickjs-emscripten worker', python: 'bare Pyodide worker' };
for (const [setup, byLanguage] of Object.entries(results)) {
  for (const [language, r] of Object.entries(byLanguage)) {
    console.log(`\n${language}, ${setup} (crossOriginIsolated=${r.crossOriginIsolated}), medians in ms`);
    console.log(`| metric | ai-sandbox | ${baseline[language]} | ratio |`);
    console.log(`| --- | ---: | ---: | ---: |`);
    for (const [label, key] of rows) {
      if (!(key in r.ours)) continue;
      const ours = r.ours[key];
      const bare = r.bare[key];
      const ratio = bare ? `${(ours / bare).toFixed(2)}×` : bare === null ? 'bare has no stop' : '—';
      console.log(`| ${label} | ${fmt(ours)} | ${fmt(bare)} | ${ratio} |`);
    }
  }
}
mkdirSync(`${root}bench-results`, { recursive: true });
writeFileSync(`${root}bench-results/latest.json`, JSON.stringify({ date: new Date().toISOString(), iterations: ITERATIONS, results }, null, 2));
console.log('\nwrote bench-results/latest.json');
