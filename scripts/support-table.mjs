// Builds the README's browser support table from the browser suite's JSON report: each cell is
// what a passing test in that engine and host setup observed and recorded as a `support:<row>`
// annotation (see `support()` in test/browser/helpers.ts). A cell no passing test filled says
// "not tested"; nothing here is typed in by hand.
//
//   node scripts/support-table.mjs [.test-reports/playwright.json] [--write README.md]
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const writeAt = args.indexOf('--write');
const readme = writeAt >= 0 ? args.splice(writeAt, 2)[1] : undefined;
const reportPath = args[0] ?? '.test-reports/playwright.json';

/** Columns, in order, with the words a reader sees. */
const ROWS = {
  starts: 'JavaScript and Python start and run',
  interrupt: 'busy code stopped at a deadline',
  memory: 'memory caps (both languages)',
  snapshot: 'Python snapshot start',
  site: 'demo site on a header-less static host',
};
const ENGINES = ['chromium', 'firefox', 'webkit'];
const SETUPS = ['coi', 'plain', 'csp'];
/** @type {Record<string, string>} */
const SETUP_NAMES = { coi: 'isolated (COOP/COEP)', plain: 'plain', csp: 'strict CSP' };

/**
 * @typedef {{ type: string, description?: string }} Annotation
 * @typedef {{ projectName: string, annotations?: Annotation[], results?: Array<{ status: string, annotations?: Annotation[] }> }} ReportTest
 * @typedef {{ specs?: Array<{ tests?: ReportTest[] }>, suites?: ReportSuite[] }} ReportSuite
 */

/**
 * Every test in the report, with its project.
 * @param {ReportSuite} suite
 * @returns {Generator<ReportTest>}
 */
function* results(suite) {
  for (const spec of suite.specs ?? []) for (const test of spec.tests ?? []) yield test;
  for (const child of suite.suites ?? []) yield* results(child);
}

const report = JSON.parse(readFileSync(reportPath, 'utf8'));
/** @type {Map<string, Set<string>>} cell key `${engine}/${setup}/${row}` → the values observed */
const cells = new Map();
for (const suite of report.suites ?? []) {
  for (const test of results(suite)) {
    const [engine, setup] = projectOf(test.projectName);
    for (const result of test.results ?? []) {
      if (result.status !== 'passed') continue;
      for (const { type, description } of [...(test.annotations ?? []), ...(result.annotations ?? [])]) {
        if (!type.startsWith('support:')) continue;
        const key = `${engine}/${setup}/${type.slice('support:'.length)}`;
        const seen = cells.get(key) ?? new Set();
        seen.add(description ?? 'yes');
        cells.set(key, seen);
      }
    }
  }
}

/**
 * `chromium` projects are named by setup alone; the others `engine-setup`.
 * @param {string} name
 */
function projectOf(name) {
  const [first, second] = name.split('-');
  return second === undefined ? ['chromium', first] : [first, second];
}

const lines = [`| engine | host page | ${Object.values(ROWS).join(' | ')} |`, `|${['', '', ...Object.keys(ROWS)].map(() => '---').join('|')}|`];
for (const engine of ENGINES) {
  for (const setup of SETUPS) {
    const values = Object.keys(ROWS).map((row) => {
      // The demo site has a host of its own (a header-less static server); it is shown once per engine.
      if (row === 'site' && setup !== 'plain') return '—';
      const seen = cells.get(row === 'site' ? `${engine}/site/${row}` : `${engine}/${setup}/${row}`);
      return seen ? [...seen].sort().join('; ') : 'not tested';
    });
    lines.push(`| ${engine} | ${SETUP_NAMES[setup]} | ${values.join(' | ')} |`);
  }
}
const table = lines.join('\n');

if (!readme) {
  console.log(table);
} else {
  const text = readFileSync(readme, 'utf8');
  const begin = '<!-- support-table:begin -->';
  const end = '<!-- support-table:end -->';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${readme} has no ${begin} … ${end} section`);
  writeFileSync(readme, `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`);
  console.log(`wrote the support table into ${readme}`);
}
