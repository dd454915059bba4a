/**
 * Finds and fetches the sandbox's runtime files. The host page fetches them (same origin, no CORS
 * needed) and hands the bytes to the frame, so the frame's policy can forbid all network access.
 * Each set of assets is fetched once per page and shared by every sandbox and restart.
 */
import type { EngineFiles } from '../shared/protocol.js';
import { SandboxStartError } from '../shared/errors.js';
import { readBody } from './read-body.js';
import type { Language } from '../shared/types.js';

/** The files a sandbox needs, ready to hand to a frame. Shared: copy `files` before transferring. */
export interface EngineAssets {
  frameUrl: string;
  workerSource: string;
  files: EngineFiles;
}

/** Where a language's files live, by the name the worker asks for. */
export interface Manifest {
  frame: URL;
  worker: URL;
  files: Record<string, URL>;
}

/**
 * The engines an entry point bundles: for each, a function returning its files' URLs as literal
 * `new URL('./…', import.meta.url)` expressions (javascript-engine.ts, python-engine.ts), so that an app's bundler copies
 * exactly the files of the engines it imports.
 */
export type BundledEngines = Partial<Record<Language, () => Manifest>>;

/** The layout of the assets folder, the same one javascript-engine.ts and python-engine.ts spell out for bundlers. */
const LAYOUT: Record<Language, { worker: string; files: Record<string, string> }> = {
  javascript: { worker: 'worker.js', files: { 'quickjs.wasm': 'quickjs.wasm' } },
  python: {
    worker: 'python-worker.js',
    files: {
      'pyodide.asm.wasm': 'pyodide/pyodide.asm.wasm',
      'python_stdlib.zip': 'pyodide/python_stdlib.zip',
      'pyodide-lock.json': 'pyodide/pyodide-lock.json',
    },
  },
};

/** A language's assets under a folder URL (ending in '/'). */
export function manifestAt(base: URL, language: Language): Manifest {
  const { worker, files } = LAYOUT[language];
  return {
    frame: new URL('frame.htm', base),
    worker: new URL(worker, base),
    files: Object.fromEntries(Object.entries(files).map(([name, path]) => [name, new URL(path, base)])),
  };
}

/** One load of a language's assets, shared by every sandbox that asks while (or after) it runs. */
interface Load {
  assets: Promise<EngineAssets>;
  loaded: number;
  total: number | undefined;
  listeners: Set<(loaded: number, total: number | undefined) => void>;
}

const cache = new Map<string, Load>();

async function fetchOk(url: URL): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (cause) {
    throw new SandboxStartError(`could not fetch ${url.href}: the request failed (is it on this origin or served with CORS, and allowed by connect-src?)`, { cause });
  }
  if (!response.ok) throw new SandboxStartError(`could not fetch ${url.href}: HTTP ${response.status}`);
  return response;
}

/**
 * Loads (once) the assets a manifest names. `onProgress` hears the bytes loaded so far (at once, if
 * the load already finished).
 */
export function loadAssets(manifest: Manifest, onProgress?: (loaded: number, total: number | undefined) => void): Promise<EngineAssets> {
  const key = manifest.worker.href;
  let load = cache.get(key);
  if (!load) {
    const names = Object.keys(manifest.files);
    const urls = [manifest.worker, ...names.map((name) => manifest.files[name]!)];
    const current: Load = { assets: undefined!, loaded: 0, total: 0, listeners: new Set() };
    const tell = () => current.listeners.forEach((l) => l(current.loaded, current.total));
    current.assets = Promise.all(urls.map((url) => fetchOk(url))).then(async (responses) => {
      for (const r of responses) {
        const length = Number(r.headers.get('Content-Length'));
        current.total = current.total !== undefined && length > 0 ? current.total + length : undefined;
      }
      tell();
      const [worker, ...buffers] = await Promise.all(
        responses.map(async (r) => {
          const bytes = await readBody(r, {
            onChunk: (n) => {
              current.loaded += n;
              tell();
            },
          });
          return bytes.buffer as ArrayBuffer;
        }),
      );
      return {
        frameUrl: manifest.frame.href,
        workerSource: new TextDecoder().decode(worker),
        files: Object.fromEntries(names.map((name, i) => [name, buffers[i]!])),
      };
    });
    load = current;
    cache.set(key, load);
    // A failed load is retried by the next sandbox instead of being remembered.
    load.assets.catch(() => cache.delete(key));
  }
  if (onProgress) {
    const { listeners } = load;
    listeners.add(onProgress);
    void load.assets.then(
      () => onProgress(load.loaded, load.total),
      () => {},
    ).finally(() => listeners.delete(onProgress));
  }
  return load.assets;
}
