/** The hostile-code suite's Python cases (see suite.ts and cases.ts). */
import { PY_CASES } from './cases.js';
import { hostileSuite } from './suite.js';

hostileSuite('python', PY_CASES);
