/**
 * What guest code cannot reach. Checked from inside QuickJS (what the guest sees) and, one level
 * down, from the frame and the worker themselves through the browser's devtools protocol: even
 * code that escaped the engine would meet the frame's opaque origin and CSP. A canary server that
 * answers everyone permissively must see no request at all.
 */
// @runs chromium:coi,plain,csp firefox:coi,plain,csp webkit:coi,plain,csp — every engine and page
import type { Worker } from '@playwright/test';
import { CANARY } from './ports.js';
import { canaryHits, counts, createIn, DEVTOOLS_ONLY, evaluateInFrame, expect, runIn, setupOf, test } from './helpers.js';

async function sandboxWorker(host: import('@playwright/test').Page): Promise<Worker> {
  await expect.poll(() => host.workers().length).toBe(1);
  return host.workers()[0]!;
}

test.beforeEach(async () => {
  await fetch(`${CANARY}/__reset`);
});

test('the guest sees no host objects and no network APIs', async ({ host }) => {
  await createIn(host, 'a');
  const r = await runIn(host, 'a', `
    const names = ['document', 'window', 'parent', 'top', 'opener', 'self', 'location', 'navigator', 'fetch',
      'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'postMessage', 'localStorage', 'indexedDB',
      'caches', 'BroadcastChannel', 'Worker', 'SharedWorker', 'RTCPeerConnection', 'Image', 'close'];
    names.filter((n) => typeof globalThis[n] !== 'undefined')`);
  expect(r).toMatchObject({ status: 'ok', value: [] });
});

test('the frame is an opaque origin with only allow-scripts, and cannot read the host', async ({ host }, info) => {
  await host.evaluate(() => {
    document.cookie = 'secret=host-cookie; path=/';
    localStorage.setItem('secret', 'host-storage');
  });
  await createIn(host, 'a');
  const attrs = await host.locator('iframe').evaluate((el) => ({ sandbox: el.getAttribute('sandbox'), allow: el.getAttribute('allow') }));
  expect(attrs).toEqual({ sandbox: 'allow-scripts', allow: 'cross-origin-isolated' });
  const seen = await evaluateInFrame(host, () => {
    const attempt = (fn: () => unknown) => {
      try {
        return `ok:${String(fn())}`;
      } catch (e) {
        return `threw:${(e as Error).name}`;
      }
    };
    return {
      origin: origin,
      cookie: attempt(() => document.cookie),
      storage: attempt(() => localStorage.getItem('secret')),
      parentDoc: attempt(() => parent.document.title),
      topLocation: attempt(() => top!.location.href),
      isolated: crossOriginIsolated,
    };
  });
  expect(seen).toEqual({
    origin: 'null',
    cookie: 'threw:SecurityError',
    storage: 'threw:SecurityError',
    parentDoc: 'threw:SecurityError',
    topLocation: 'threw:SecurityError',
    isolated: setupOf(info) === 'coi',
  });
});

test('neither the frame nor the worker can reach the network', async ({ host }) => {
  await createIn(host, 'a');
  const fromFrame = await evaluateInFrame(host, async (canary) => {
    const results: Record<string, string> = {};
    const settle = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
        results[name] = 'reached';
      } catch (e) {
        results[name] = `blocked:${(e as Error).name}`;
      }
    };
    await settle('fetch', () => fetch(`${canary}/frame-fetch`));
    await settle('image', () => new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = resolve;
      img.onerror = () => reject(new Error('image'));
      img.src = `${canary}/frame-image`;
    }));
    await settle('script', () => new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.onload = resolve;
      s.onerror = () => reject(new Error('script'));
      s.src = `${canary}/frame-script.js`;
      document.head.append(s);
    }));
    navigator.sendBeacon(`${canary}/frame-beacon`, 'x');
    await settle('websocket', () => new Promise((resolve, reject) => {
      const ws = new WebSocket(canary.replace('http', 'ws') + '/frame-ws');
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('ws'));
    }));
    return results;
  }, CANARY);
  for (const [name, outcome] of Object.entries(fromFrame)) expect(outcome, name).toMatch(/^blocked/);
  // Give any request that slipped through time to land, then check the canary saw none.
  await new Promise((r) => setTimeout(r, 300));
  expect(await canaryHits()).toEqual([]);
});

test('the worker cannot reach the network, even with the APIs the guest never sees', async ({ host, browserName }) => {
  test.skip(browserName !== 'chromium', DEVTOOLS_ONLY);
  await createIn(host, 'a');
  const worker = await sandboxWorker(host);
  const fromWorker = await worker.evaluate(async (canary) => {
    const results: Record<string, string> = {};
    const attempt = async (name: string, fn: () => unknown) => {
      try {
        await fn();
        results[name] = 'reached';
      } catch (e) {
        results[name] = `blocked:${(e as Error).name}`;
      }
    };
    await attempt('fetch', () => fetch(`${canary}/worker-fetch`));
    await attempt('importScripts', () => (self as unknown as { importScripts(u: string): void }).importScripts(`${canary}/worker-import.js`));
    await attempt('syncXhr', () => {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', `${canary}/worker-xhr`, false);
      xhr.send();
    });
    await attempt('dynamicImport', () => import(/* @vite-ignore */ `${canary}/worker-module.js`));
    await attempt('eventSource', () => new Promise((resolve, reject) => {
      const es = new EventSource(`${canary}/worker-sse`);
      es.onopen = resolve;
      es.onerror = () => reject(new Error('sse'));
    }));
    return results;
  }, CANARY);
  for (const [name, outcome] of Object.entries(fromWorker)) expect(outcome, name).toMatch(/^blocked/);

  // Give any request that slipped through time to land, then check the canary saw none.
  await new Promise((r) => setTimeout(r, 300));
  expect(await canaryHits()).toEqual([]);
});

test('the frame can neither navigate the host, open popups nor submit forms', async ({ host, browserName }) => {
  await createIn(host, 'a');
  const pageUrl = await host.evaluate(() => location.href);
  const seen = await evaluateInFrame(host, async (canary) => {
    const attempt = (fn: () => unknown) => {
      try {
        const r = fn();
        return r === null ? 'null' : 'done';
      } catch (e) {
        return `threw:${(e as Error).name}`;
      }
    };
    const out = {
      topNavigation: attempt(() => (top!.location.href = `${canary}/top-navigation`)),
      parentNavigation: attempt(() => (parent.location.href = `${canary}/parent-navigation`)),
      popup: attempt(() => window.open(`${canary}/popup`)),
      form: attempt(() => {
        const form = document.createElement('form');
        form.action = `${canary}/form`;
        form.method = 'POST';
        document.body.append(form);
        form.submit();
      }),
    };
    await new Promise((r) => setTimeout(r, 300));
    return out;
  }, CANARY);
  expect(seen.topNavigation).toBe('threw:SecurityError');
  expect(seen.parentNavigation).toBe('threw:SecurityError');
  // Blocked either way: Chromium and WebKit return no window, Firefox throws.
  expect(seen.popup).toBe(browserName === 'firefox' ? 'threw:InvalidAccessError' : 'null');
  expect(await host.evaluate(() => location.href)).toBe(pageUrl);
  expect(host.context().pages().length).toBe(1);
  expect(await canaryHits()).toEqual([]);
  expect((await runIn(host, 'a', '1 + 1')).value).toBe(2);
});

test('the frame ignores a second init message, from anyone', async ({ host }) => {
  await createIn(host, 'a');
  const before = await counts(host);
  await host.evaluate(() => {
    const frame = document.querySelector('iframe')!;
    const { port1 } = new MessageChannel();
    const { port2 } = new MessageChannel();
    frame.contentWindow!.postMessage(
      { protocol: 'ai-sandbox/1', type: 'init', workerSource: 'postMessage("forged")', files: {}, control: port1, rpc: port2 },
      '*',
      [port1, port2],
    );
  });
  await new Promise((r) => setTimeout(r, 300));
  expect(await counts(host)).toEqual(before);
  expect((await runIn(host, 'a', '6 * 7')).value).toBe(42);
});

test('the host page runs under the policy its setup claims', async ({ host }, info) => {
  // An inline script only runs where the strict host CSP is absent.
  const inlineRan = await host.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(inlineRan).toBe(setupOf(info) !== 'csp');
  expect(await host.evaluate(() => crossOriginIsolated)).toBe(setupOf(info) === 'coi');
});
