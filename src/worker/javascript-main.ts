/** Entry of `worker.js`: the worker that runs JavaScript in QuickJS. */
import { QuickJsEngine } from './quickjs/quickjs-engine.js';
import { serveWorker } from './serve.js';

serveWorker((init) => QuickJsEngine.create(init));
