/** The hostile-code suite's JavaScript cases (see suite.ts and cases.ts). */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine: QuickJS is the same on every page
import { JS_CASES } from './cases.js';
import { hostileSuite } from './suite.js';

hostileSuite('javascript', JS_CASES);
