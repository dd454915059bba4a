/** Entry of `python-worker.js`: the worker that runs Python in Pyodide. */
import { PyodideEngine } from './python/pyodide-engine.js';
import { serveWorker } from './serve.js';

serveWorker((init) => PyodideEngine.create(init));
