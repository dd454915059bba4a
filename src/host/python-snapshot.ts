/**
 * Pyodide memory snapshots: the memory of a freshly started interpreter, from which later ones
 * start in a fraction of the time (no CPython start-up, no standard-library imports). The host
 * keeps them, since the opaque-origin frame has no storage: per page in memory, and in the page's
 * Cache Storage when they are to persist across visits. A snapshot is made in a session of its
 * own in which no guest code ever runs, so a guest can never shape what later interpreters start from.
 */
import type { EngineConfig } from '../shared/protocol.js';
import type { EngineAssets } from './assets.js';
import { FrameSession } from './frame-session.js';
import { readLockfile } from './packages/packages.js';

/** `true` keeps snapshots for this page; `'persistent'` also in Cache Storage, for later visits. */
export type SnapshotMode = boolean | 'persistent';

const CACHE_NAME = 'ai-sandbox-snapshots';

/** Snapshots in memory, by the assets they were made from (one load of assets per page and folder). */
const kept = new WeakMap<EngineAssets, Promise<ArrayBuffer | undefined>>();
/** Snapshots being made, so that one page makes each only once. */
const making = new WeakMap<EngineAssets, Promise<ArrayBuffer | undefined>>();

/** Where a persisted snapshot lives: tied to the Pyodide build it was made by. */
function cacheKey(assets: EngineAssets): string {
  const lock = assets.files['pyodide-lock.json'];
  const version = (lock && readLockfile(lock).info?.version) ?? 'unknown';
  const wasmBytes = assets.files['pyodide.asm.wasm']?.byteLength ?? 0;
  return new URL(`ai-sandbox-pyodide-snapshot/${encodeURIComponent(version)}-${wasmBytes}`, assets.frameUrl).href;
}

/** Cache Storage, where the page has it (secure contexts only); undefined elsewhere or on error. */
async function openCache(): Promise<Cache | undefined> {
  try {
    return globalThis.caches ? await caches.open(CACHE_NAME) : undefined;
  } catch {
    return undefined;
  }
}

/** The snapshot to start from, if one is at hand. Never makes one. */
export function findSnapshot(assets: EngineAssets, mode: SnapshotMode): Promise<ArrayBuffer | undefined> {
  let found = kept.get(assets);
  if (!found && mode === 'persistent') {
    found = (async () => {
      const hit = await (await openCache())?.match(cacheKey(assets)).catch(() => undefined);
      return hit ? hit.arrayBuffer() : undefined;
    })().catch(() => undefined);
    kept.set(assets, found);
  }
  return found ?? Promise.resolve(undefined);
}

/** Forgets a snapshot the worker refused (e.g. made by another build), here and in the cache. */
export function dropSnapshot(assets: EngineAssets): void {
  kept.delete(assets);
  void openCache().then((cache) => cache?.delete(cacheKey(assets)));
}

/**
 * Makes a snapshot in the background (once per page and assets) and keeps it. Resolves with its
 * size in bytes, or undefined when none could be made.
 */
export async function makeSnapshot(assets: EngineAssets, mode: SnapshotMode): Promise<number | undefined> {
  let made = making.get(assets);
  if (!made) {
    made = (async () => {
      const limits = { maxHostCalls: 0, maxToolArgumentBytes: 0, maxRequestBytes: 0, maxFileBytes: 0 };
      const config: EngineConfig = { language: 'python', memoryLimitBytes: 512 * 1024 * 1024, toolNames: [], network: false, snapshot: 'make', limits };
      const session = await FrameSession.start(assets, config);
      try {
        return await session.takeSnapshot();
      } finally {
        session.dispose();
      }
    })().catch(() => undefined);
    making.set(assets, made);
  }
  const snapshot = await made;
  if (!snapshot) return undefined;
  kept.set(assets, Promise.resolve(snapshot));
  if (mode === 'persistent') {
    const cache = await openCache();
    await cache?.put(cacheKey(assets), new Response(snapshot, { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => {});
  }
  return snapshot.byteLength;
}
