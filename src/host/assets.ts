/**
 * Finds and fetches the sandbox's runtime files. The host page fetches them (same origin, no CORS
 * needed) and hands the bytes to the frame, so the frame's policy can forbid all network access.
 * Each set of assets is fetched once per page and shared by every sandbox and restart.
 */
import { SandboxStartError } from '../shared/errors.js';

/** The files a sandbox needs, ready to hand to a frame. Shared; never transfer `wasm` itself. */
export interface EngineAssets {
  frameUrl: string;
  workerSource: string;
  wasm: ArrayBuffer;
}

/** URLs of the three assets. Written as literal `new URL(…, import.meta.url)` so bundlers copy them. */
function defaultUrls(): [frame: URL, worker: URL, wasm: URL] {
  return [
    new URL('./frame.html', import.meta.url),
    new URL('./worker.js', import.meta.url),
    new URL('./quickjs.wasm', import.meta.url),
  ];
}

const cache = new Map<string, Promise<EngineAssets>>();

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

/** Loads (once) the assets at `base`, or beside this module when `base` is undefined. */
export function loadAssets(base: URL | undefined): Promise<EngineAssets> {
  const [frame, worker, wasm] = base
    ? [new URL('frame.html', base), new URL('worker.js', base), new URL('quickjs.wasm', base)]
    : defaultUrls();
  const key = `${frame.href} ${worker.href} ${wasm.href}`;
  let assets = cache.get(key);
  if (!assets) {
    assets = Promise.all([fetchOk(worker).then((r) => r.text()), fetchOk(wasm).then((r) => r.arrayBuffer())]).then(
      ([workerSource, wasmBytes]) => ({ frameUrl: frame.href, workerSource, wasm: wasmBytes }),
    );
    cache.set(key, assets);
    // A failed load is retried by the next sandbox instead of being remembered.
    assets.catch(() => cache.delete(key));
  }
  return assets;
}
