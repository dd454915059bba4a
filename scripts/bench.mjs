// @ts-nocheck -- a script that drives a page; its page-side globals are untyped.
// `npm run bench`: ai-sandbox against bare quickjs-emscripten (and bare Pyodide) in a plain worker,
// side by side in one Chromium run, under a cross-origin isolated page and a plain one; then cold
// start, warm round trip and fib(27) beside the bare engine in Firefox and WebKit too
// (`BENCH_ENGINES=chromium,firefox,webkit`, the default, picks them). Prints tables of medians and
// ratios, and writes bench-results/latest.json. Numbers only: nothing here passes or fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, firefox } from '@playwright/test';
import { build, runnerImport } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../test/browser/chromium.mjs';
import { FIREFOX_RELAY, firefoxPath } from '../test/browser/engines/firefox.mjs';
import { startStaticServer } from '../test/server/static-server.mjs';
import { PROGRAMS } from '../bench/programs.mjs';

const root = new URL('..', import.meta.url).pathname;
const ITERATIONS = { cold: 7, warm: 200, cpu: 5, overrun: 6, pooled: 5, idle: 5 };
const PY_ITERATIONS = { cold: 3, warm: 100, cpu: 3, overrun: 3, pooled: 3, idle: 3 };
/** `BENCH_LANGUAGES=javascript` leaves Python out (minutes less; no throughput table then). */
const LANGUAGES = (process.env.BENCH_LANGUAGES ?? 'javascript,python').split(',').map((l) => l.trim());
for (const language of LANGUAGES) if (!['javascript', 'python'].includes(language)) throw new Error(`BENCH_LANGUAGES: unknown language ${language}`);
const only = (byLanguage) => Object.fromEntries(Object.entries(byLanguage).filter(([language]) => LANGUAGES.includes(language)));
const ITERATIONS_BY_LANGUAGE = only({ javascript: ITERATIONS, python: PY_ITERATIONS });
/** The comparison in every engine: fewer rounds, beside Chromium's full set above. */
const ENGINE_ITERATIONS = only({ javascript: { cold: 5, warm: 100, cpu: 3, overrun: 2 }, python: { cold: 3, warm: 50, cpu: 3, overrun: 2 } });
const ENGINES = (process.env.BENCH_ENGINES ?? 'chromium,firefox,webkit').split(',').map((e) => e.trim());
for (const engine of ENGINES) if (!['chromium', 'firefox', 'webkit'].includes(engine)) throw new Error(`BENCH_ENGINES: unknown engine ${engine}`);

/**
 * Memory of every Chromium process (the bench's browser is the only one running), as the
 * operating system counts it: proportional set size, so shared pages count once.
 */
function chromiumPss() {
  let bytes = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      bytes += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // The process ended meanwhile.
    }
  }
  return bytes;
}

/** Bytes per idle engine: the browser's memory with `n` engines started and idle, less without. */
async function idleMemory(page, language, n, bare) {
  await sleep(1000);
  const before = chromiumPss();
  await page.evaluate(([l, k, b]) => window.holdIdle(l, k, b), [language, n, bare]);
  await sleep(1000);
  const after = chromiumPss();
  await page.evaluate(() => window.releaseIdle());
  return (after - before) / n;
}

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** The 150 programs as harnesses run them: one fresh native `python3` process each. */
function nativeThroughput() {
  // Resolve the real interpreter: a version manager's `python3` shim can cost more than Python's own start.
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  const version = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
  const stdout = [];
  const started = performance.now();
  for (const code of PROGRAMS) stdout.push(spawnSync(python, ['-c', code], { encoding: 'utf8' }).stdout);
  return { python, version, totalMs: performance.now() - started, stdout };
}

// The bare worker: the page starts it from its URL, the bare relay's frame from its source.
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

/** Opens the bench page from `server` and waits for it (goto and evaluate: every engine's driver has them). */
async function openBenchPage(page, server) {
  await page.goto(`http://127.0.0.1:${server.address().port}/bench/bench.html`);
  while (!(await page.evaluate(() => window.benchReady === true))) await sleep(100);
}

const servers = { isolated: await startStaticServer('coi', 0), plain: await startStaticServer('plain', 0) };

const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
const results = {};
let throughput;
for (const [name, server] of [['isolated (COOP/COEP)', servers.isolated], ['plain', servers.plain]]) {
  const page = await browser.newPage();
  await openBenchPage(page, server);
  results[name] = {};
  for (const [language, it] of Object.entries(ITERATIONS_BY_LANGUAGE)) {
    log(`${name} ${language}: start, run, CPU, overruns`);
    const r = await page.evaluate(([l, i]) => window.runBench(l, i), [language, it]);
    log(`${name} ${language}: warm pool`);
    r.ours.pooledFirstMs = await page.evaluate(([l, n]) => window.runPoolBench(l, n), [language, it.pooled]);
    if (language === 'python') {
      log(`${name} ${language}: start from a memory snapshot`);
      r.ours.snapshotColdMs = await page.evaluate((n) => window.runSnapshotBench(n), it.cold);
      log(`${name} ${language}: reset(), a fresh interpreter with and without a snapshot`);
      r.ours.resetMs = await page.evaluate(([l, n]) => window.runResetBench(l, n, false), [language, it.cold]);
      r.ours.resetFromSnapshotMs = await page.evaluate(([l, n]) => window.runResetBench(l, n, true), [language, it.cold]);
    } else {
      log(`${name} ${language}: reset(), a fresh runtime`);
      r.ours.resetMs = await page.evaluate(([l, n]) => window.runResetBench(l, n, false), [language, it.cold]);
    }
    log(`${name} ${language}: memory of idle engines`);
    r.memory = { count: it.idle, oursBytesEach: await idleMemory(page, language, it.idle, false), bareBytesEach: await idleMemory(page, language, it.idle, true) };
    results[name][language] = r;
  }
  if (!throughput && LANGUAGES.includes('python')) {
    log(`${name}: ${PROGRAMS.length} Python programs`);
    throughput = await page.evaluate(() => window.runThroughputBench());
  }
  await page.close();
}
await browser.close();

/**
 * The bench page in Firefox (Playwright over WebDriver BiDi) or WebKitGTK (WebKitWebDriver), as
 * the browser suite drives them; both answer `newPage()` with `goto`, `evaluate` and `close`.
 */
async function otherEngine(engine) {
  if (engine === 'firefox') {
    const ff = await firefox.launch({ channel: 'moz-firefox', executablePath: FIREFOX_RELAY, env: { ...process.env, FIREFOX_BINARY: firefoxPath() } });
    return { newPage: () => ff.newPage(), close: () => ff.close() };
  }
  const load = async (path) => (await runnerImport(`${root}test/browser/engines/${path}`)).module;
  const { WebKitDriver } = await load('webdriver.ts');
  const { startXvfb, stopGroup } = await load('process-group.ts');
  const xvfb = process.env.DISPLAY ? undefined : await startXvfb(':98');
  // A whole measurement is one WebDriver command: no time limit on it.
  const driver = await WebKitDriver.launch(4680, undefined, { commandTimeoutMs: 3_600_000 });
  return {
    newPage: () => driver.asBrowser().newPage(),
    close: async () => {
      await driver.close();
      if (xvfb) await stopGroup(xvfb);
    },
  };
}

/** Per engine, page and language: the first four rows of the tables below, ours beside bare. */
const engines = {};
for (const engine of ENGINES) {
  engines[engine] = {};
  if (engine === 'chromium') {
    for (const [name, byLanguage] of Object.entries(results)) engines.chromium[name] = byLanguage;
    continue;
  }
  let other;
  try {
    other = await otherEngine(engine);
  } catch (error) {
    log(`${engine}: not measured, ${error.message}`);
    engines[engine] = { unavailable: error.message };
    continue;
  }
  for (const [name, server] of [['isolated (COOP/COEP)', servers.isolated], ['plain', servers.plain]]) {
    const page = await other.newPage();
    await openBenchPage(page, server);
    engines[engine][name] = {};
    for (const [language, it] of Object.entries(ENGINE_ITERATIONS)) {
      log(`${engine}, ${name} ${language}: start, run, CPU, overruns`);
      engines[engine][name][language] = await page.evaluate(([l, i]) => window.runBench(l, i), [language, it]);
    }
    await page.close();
  }
  await other.close();
}
for (const server of Object.values(servers)) server.close();

let native;
let mismatches;
if (throughput) {
  log('native python3, one process per program');
  native = nativeThroughput();
  mismatches = PROGRAMS.filter((_, i) => throughput.stdout[i] !== native.stdout[i]).length;
}

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
    const vsBareCold = (label, ms) => console.log(`| ${label} (vs bare cold start) | ${fmt(ms)} | ${fmt(r.bare.coldMs)} | ${(ms / r.bare.coldMs).toFixed(3)}× |`);
    vsBareCold('first result from a warm pool', r.ours.pooledFirstMs);
    if (r.ours.snapshotColdMs !== undefined) vsBareCold('cold start from a memory snapshot', r.ours.snapshotColdMs);
    vsBareCold('reset(): nothing of earlier runs survives', r.ours.resetMs);
    if (r.ours.resetFromSnapshotMs !== undefined) vsBareCold('reset() with snapshot: true', r.ours.resetFromSnapshotMs);
    const mb = (bytes) => (bytes / 1048576).toFixed(1);
    console.log(`| memory per idle engine, ${r.memory.count} alive (MB, PSS) | ${mb(r.memory.oursBytesEach)} | ${mb(r.memory.bareBytesEach)} | ${(r.memory.oursBytesEach / r.memory.bareBytesEach).toFixed(2)}× |`);
  }
}

console.log('\nThe floor of a frame + worker boundary: bare quickjs-emscripten behind a sandboxed frame that relays messages unchecked (JavaScript, medians in ms)');
console.log('| engine | page | cold start: ai-sandbox / bare relay / bare worker | warm `1 + 1`: ai-sandbox / bare relay / bare worker |');
console.log('| --- | --- | ---: | ---: |');
for (const [engine, byPage] of Object.entries(engines)) {
  if (byPage.unavailable) continue;
  for (const [setup, { javascript: r }] of Object.entries(byPage)) {
    if (!r?.relay) continue;
    const three = (key) => `${fmt(r.ours[key])} / ${fmt(r.relay[key])} / ${fmt(r.bare[key])}`;
    console.log(`| ${engine} | ${setup.split(' ')[0]} | ${three('coldMs')} | ${three('warmMs')} |`);
  }
}

console.log('\nEvery engine: ai-sandbox / the bare engine in a worker of the same page, medians in ms');
console.log('| engine | page | language | cold start | warm `1 + 1` | `fib(27)` | runaway loop back after its deadline |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
const pair = (r, key) => `${fmt(r.ours[key])} / ${fmt(r.bare[key])}`;
for (const [engine, byPage] of Object.entries(engines)) {
  if (byPage.unavailable) {
    console.log(`| ${engine} | not measured: ${byPage.unavailable} | | | | | |`);
    continue;
  }
  for (const [setup, byLanguage] of Object.entries(byPage)) {
    for (const [language, r] of Object.entries(byLanguage)) {
      const page = `${setup.split(' ')[0]}${r.crossOriginIsolated ? '' : ', not isolated'}`;
      console.log(`| ${engine} | ${page} | ${language} | ${pair(r, 'coldMs')} | ${pair(r, 'warmMs')} | ${pair(r, 'fib27Ms')} | ${pair(r, 'loopOverrunMs')} |`);
    }
  }
}

if (throughput) {
  console.log(`\n${PROGRAMS.length} small Python programs, one after the other (ms)`);
  console.log('| | total | per program | ratio to native |');
  console.log('| --- | ---: | ---: | ---: |');
  const perProgram = (ms) => (ms / PROGRAMS.length).toFixed(1);
  console.log(`| native ${native.version}, one process each | ${native.totalMs.toFixed(0)} | ${perProgram(native.totalMs)} | 1× |`);
  console.log(`| ai-sandbox, one warm sandbox, back to back | ${throughput.runMs.toFixed(0)} | ${perProgram(throughput.runMs)} | ${(throughput.runMs / native.totalMs).toFixed(3)}× |`);
  const withStart = throughput.runMs + throughput.startMs;
  console.log(`| ai-sandbox, including its cold start | ${withStart.toFixed(0)} | ${perProgram(withStart)} | ${(withStart / native.totalMs).toFixed(3)}× |`);
  console.log(`outputs differing from native: ${mismatches} of ${PROGRAMS.length}; failures in the sandbox: ${throughput.failures.length}`);
}
mkdirSync(`${root}bench-results`, { recursive: true });
const { stdout: _ours, ...throughputSummary } = throughput ?? {};
const { stdout: _native, ...nativeSummary } = native ?? {};
writeFileSync(
  `${root}bench-results/latest.json`,
  JSON.stringify({ date: new Date().toISOString(), iterations: ITERATIONS_BY_LANGUAGE, results, engineIterations: ENGINE_ITERATIONS, engines, throughput: { ...throughputSummary, native: nativeSummary, mismatches } }, null, 2),
);
console.log('\nwrote bench-results/latest.json');
