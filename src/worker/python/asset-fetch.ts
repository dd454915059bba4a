/**
 * Pyodide loads its wasm, standard library and lock file with `fetch`. The frame's policy blocks
 * every request, so while Pyodide starts, `fetch` is replaced by one that answers those exact URLs
 * from the bytes the host handed in and refuses everything else. The real `fetch` comes back
 * before any guest code runs.
 */
import type { EngineFiles } from '../../shared/protocol.js';

const TYPES: Record<string, string> = { '.wasm': 'application/wasm', '.json': 'application/json', '.zip': 'application/zip' };

/**
 * Runs `load` with `fetch` answering from `files`: a key is either a name under `base` or a whole
 * URL (wheels named by URL).
 */
export async function withAssetFetch<T>(base: string, files: EngineFiles, load: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const served = async (input: RequestInfo | URL): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const name = url.startsWith(base) ? url.slice(base.length) : url;
    const bytes = files[name];
    if (!bytes) throw new TypeError(`ai-sandbox: ${url} was not handed to the sandbox`);
    const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'Content-Type': type } });
  };
  globalThis.fetch = served as typeof fetch;
  try {
    return await load();
  } finally {
    globalThis.fetch = original;
  }
}
