/**
 * The demo site's service worker, for static hosts that cannot send headers:
 * - adds COOP/COEP (and CORP) to every same-origin response, which makes the pages cross-origin
 *   isolated, so runaway code is interrupted instead of the sandbox being restarted;
 * - keeps a copy of every same-origin file it serves, so a second visit starts from the cache:
 *   hashed build assets (`/assets/`) come from the cache first, pages from the network first.
 * A sandboxed iframe's own navigation never reaches a service worker; the library marks its frame
 * `credentialless` on isolated pages so that frame.htm loads without the headers. Browsers without
 * credentialless iframes register it as `sw.js?isolate=0`: it then only caches (demo/isolation.ts).
 */
const CACHE = 'ai-sandbox-demo-v1';
const ISOLATE = new URL(self.location.href).searchParams.get('isolate') !== '0';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The response with the isolation headers added. */
function isolated(response) {
  if (!ISOLATE || response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function fromNetwork(request, cache) {
  const response = await fetch(request);
  if (response.status === 200) await cache.put(request, response.clone());
  return response;
}

async function respond(request) {
  const cache = await caches.open(CACHE);
  const immutable = new URL(request.url).pathname.includes('/assets/');
  if (immutable) {
    const hit = await cache.match(request);
    return isolated(hit ?? (await fromNetwork(request, cache)));
  }
  try {
    return isolated(await fromNetwork(request, cache));
  } catch (error) {
    const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return isolated(hit);
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});
