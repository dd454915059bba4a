/** The hostile-code suite's Python cases (see suite.ts and cases.ts). */
// @runs chromium:coi firefox:plain — Chromium's isolated page and Firefox's plain page: Python-heavy, seconds per start
import { PY_CASES } from './cases.js';
import { hostileSuite } from './suite.js';

hostileSuite('python', PY_CASES);
