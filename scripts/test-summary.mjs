// Sums the Vitest and Playwright JSON reports into the one line CI reads:
// "N passed, N failed, N skipped". Exits non-zero if a report is missing or anything failed. A
// missing report (its runner was killed, or never ran) counts as one failure, so that the line
// itself never reads as a pass.
import { existsSync, readFileSync } from 'node:fs';

const [vitestPath, playwrightPath] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = false;

if (vitestPath && existsSync(vitestPath)) {
  const r = JSON.parse(readFileSync(vitestPath, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else {
  console.error(`no Vitest report at ${vitestPath}: counted as a failure`);
  missing = true;
  failed += 1;
}

if (playwrightPath && existsSync(playwrightPath)) {
  const r = JSON.parse(readFileSync(playwrightPath, 'utf8'));
  passed += (r.stats?.expected ?? 0) + (r.stats?.flaky ?? 0);
  failed += r.stats?.unexpected ?? 0;
  skipped += r.stats?.skipped ?? 0;
} else {
  console.error(`no Playwright report at ${playwrightPath}: counted as a failure`);
  missing = true;
  failed += 1;
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing || passed === 0 ? 1 : 0);
