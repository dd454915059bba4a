// @ts-nocheck -- a browser module worker importing by URL; not part of the typed build.
// The baseline for Python: Pyodide wired up by hand in a plain module worker, loading its files
// from the npm package as a user would serve them.
import { loadPyodide } from '/node_modules/pyodide/pyodide.mjs';

const ready = loadPyodide({ indexURL: '/node_modules/pyodide/' });

self.onmessage = async (event) => {
  const pyodide = await ready;
  try {
    const value = await pyodide.runPythonAsync(event.data.code);
    self.postMessage({ value: String(value) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
