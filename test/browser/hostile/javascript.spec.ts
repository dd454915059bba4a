/** The hostile-code suite's JavaScript cases (see suite.ts and cases.ts). */
import { JS_CASES } from './cases.js';
import { hostileSuite } from './suite.js';

hostileSuite('javascript', JS_CASES);
