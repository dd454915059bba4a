/**
 * Cross-origin isolation for the demo pages. A server that sends COOP/COEP makes a page isolated
 * by itself; on a static host that cannot, the built site's service worker (`sw.js`) adds the
 * headers, and the page reloads once to come under its control. Where neither works (no service
 * workers, an insecure origin), the library falls back to restarting the sandbox to stop runaway
 * code that cannot be interrupted otherwise. A service worker never sees the sandbox frame's own
 * navigation, so frame.htm gets no headers from it: only browsers with credentialless iframes
 * (Chromium) can load the frame on a page the worker isolated. Elsewhere (Firefox, Safari) the
 * worker is asked not to isolate (`sw.js?isolate=0`) and only caches.
 */

/** How runaway code is stopped on this page. */
export type IsolationMode = 'isolated' | 'fallback';

const RELOADED = 'ai-sandbox-demo:reloaded-for-isolation';
/** A browser that blocks service workers may leave registration pending for ever. */
const REGISTER_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);
}

/** Resolves once a service worker controls this page. */
function controlled(worker: ServiceWorkerContainer): Promise<void> {
  return new Promise((resolve) => {
    worker.addEventListener('controllerchange', () => resolve(), { once: true });
    if (worker.controller) resolve();
  });
}

/**
 * Resolves with the page's mode. In the built site it registers the service worker (also for its
 * cache); when that is what isolation needs, the page reloads once and this never resolves.
 */
export async function ensureIsolation(): Promise<IsolationMode> {
  const worker = navigator.serviceWorker;
  const canIsolate = 'credentialless' in HTMLIFrameElement.prototype;
  if (import.meta.env.PROD && worker && window.isSecureContext) {
    try {
      // sw.js sits at the site's root, one level above the bundled scripts in assets/.
      await withTimeout(worker.register(new URL(canIsolate ? '../sw.js' : '../sw.js?isolate=0', import.meta.url)), REGISTER_TIMEOUT_MS);
      if (canIsolate && !crossOriginIsolated && !worker.controller && !sessionStorage.getItem(RELOADED)) {
        await withTimeout(worker.ready, REGISTER_TIMEOUT_MS);
        sessionStorage.setItem(RELOADED, '1');
        location.reload();
        return new Promise<never>(() => {});
      }
      // Caching only: let the worker take this page (it claims its clients) before the engines are
      // fetched, so that the first visit already fills the cache. No reload needed.
      if (!canIsolate) await withTimeout(controlled(worker), REGISTER_TIMEOUT_MS).catch(() => {});
    } catch (error) {
      console.warn('ai-sandbox demo: no service worker, so no isolation or cache:', String(error));
    }
  }
  sessionStorage.removeItem(RELOADED);
  return crossOriginIsolated ? 'isolated' : 'fallback';
}

/** Shows the mode in `badge`, with a sentence on what it means for a visitor as its tooltip. */
export function showMode(badge: HTMLElement, mode: IsolationMode): void {
  badge.textContent = mode === 'isolated' ? 'isolated' : 'fallback mode';
  badge.className = `badge mode ${mode}`;
  badge.title =
    mode === 'isolated'
      ? 'Cross-origin isolated: Stop and time limits interrupt runaway code, and the sandbox keeps its state.'
      : 'Not cross-origin isolated: Stop (and a time limit in Python) ends runaway code by restarting the sandbox, which loses its state.';
}
