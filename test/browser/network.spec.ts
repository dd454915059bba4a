/**
 * Granted network access: the host performs each request after checking the allowlist. The echo
 * server is allowed; the canary is not, and must see nothing. With the strict host CSP
 * (`connect-src 'self'`) the host page itself may not reach the echo server, so requests fail
 * there: the page's own policy still applies on top of the sandbox's.
 */
// @runs chromium:coi,plain,csp firefox:coi,plain,csp webkit:coi,plain,csp — every engine and page: the host performs the requests, under the page's CSP
import { CANARY, ECHO } from './ports.js';
import { canaryHits, expect, setupOf, test } from './helpers.js';

declare global {
  interface Window {
    netLog: string[];
  }
}

async function createWithNetwork(page: import('@playwright/test').Page, language: 'javascript' | 'python') {
  await page.evaluate(
    async ({ language, echo }) => {
      window.netLog = [];
      window.sandboxes.n = await window.lib.createSandbox({
        language,
        network: { allow: [echo], maxRequests: 4, maxResponseBytes: 1024 * 1024 },
        onEvent: (e) => {
          if (e.type === 'network') window.netLog.push(`${e.allowed ? 'allowed' : 'refused'}:${e.status ?? e.error ?? ''}`);
        },
      });
    },
    { language, echo: ECHO },
  );
}

const run = (page: import('@playwright/test').Page, code: string) => page.evaluate((code) => window.sandboxes.n!.run(code), code);

test.beforeEach(async () => {
  await fetch(`${CANARY}/__reset`);
});

test('javascript: fetch reaches allowed origins only, without cookies or redirects', async ({ host }, info) => {
  await createWithNetwork(host, 'javascript');
  await host.evaluate(() => (document.cookie = 'session=secret; path=/'));
  const r = await run(host, `
    const out = {};
    const attempt = async (name, fn) => { try { out[name] = await fn(); } catch (e) { out[name] = 'error: ' + e.message; } };
    await attempt('get', async () => { const res = await fetch('${ECHO}/hello?x=1', { headers: { 'X-Custom': 'yes' } }); return [res.status, res.ok, res.headers.get('x-echo'), await res.json()]; });
    await attempt('post', async () => (await (await fetch('${ECHO}/submit', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'Content-Type': 'application/json' } })).json()).body);
    await attempt('refused', () => fetch('${CANARY}/should-not-arrive'));
    await attempt('redirect', () => fetch('${ECHO}/redirect?to=${encodeURIComponent(CANARY + '/via-redirect')}'));
    await attempt('big', () => fetch('${ECHO}/big'));
    await attempt('capped', () => fetch('${ECHO}/one-too-many'));
    out`);
  expect(r.status).toBe('ok');
  const out = r.value as Record<string, unknown>;
  expect(out.refused).toMatch(/^error: network policy: .*not in the sandbox's network allowlist/);
  if (setupOf(info) === 'csp') {
    // The host page's own connect-src 'self' refuses the echo server too.
    expect(out.get).toMatch(/^error: fetch .* failed/);
  } else {
    expect(out.get).toEqual([200, true, 'yes', { method: 'GET', path: '/hello?x=1', body: '', contentType: null, cookie: null, custom: 'yes' }]);
    expect(out.post).toBe('{"a":1}');
    expect(out.redirect).toMatch(/^error: fetch .* failed/);
    expect(out.big).toMatch(/^error: fetch .* failed: network policy: the response is larger than 1048576 bytes/);
    expect(out.capped).toMatch(/^error: network policy: more than 4 requests in one run/);
  }
  const log = await host.evaluate(() => window.netLog);
  expect(log).toContain(`refused:${CANARY}/should-not-arrive is not in the sandbox's network allowlist`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await canaryHits()).toEqual([]);
});

test('python: pyodide.http.pyfetch and js.fetch go through the host and its allowlist', async ({ host }, info) => {
  await createWithNetwork(host, 'python');
  const r = await run(host, `
import js, json
from pyodide.http import pyfetch
out = {}
try:
    response = await pyfetch("${ECHO}/from-python", method="POST", body="hi")
    out["pyfetch"] = [response.status, (await response.json())["body"]]
except Exception as e:
    out["pyfetch"] = "error: " + str(e)
try:
    await js.fetch("${CANARY}/from-python")
    out["refused"] = "reached"
except Exception as e:
    out["refused"] = "error: " + str(e)
out`);
  expect(r.status).toBe('ok');
  const out = r.value as Record<string, unknown>;
  expect(out.refused).toMatch(/network policy: .*not in the sandbox's network allowlist/);
  if (setupOf(info) === 'csp') expect(out.pyfetch).toMatch(/^error: /);
  else expect(out.pyfetch).toEqual([200, 'hi']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await canaryHits()).toEqual([]);
});

test('network options are checked by name', async ({ host }) => {
  const errors = await host.evaluate(async () => {
    const out: string[] = [];
    for (const network of [{ allow: ['example.com'] }, { allow: 'x' }, { allow: [], retries: 1 }, 'all']) {
      try {
        await window.lib.createSandbox({ language: 'javascript', network: network as never });
        out.push('created');
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    return out;
  });
  expect(errors[0]).toMatch(/^TypeError: network.allow: "example.com" must be an origin/);
  expect(errors[1]).toMatch(/^TypeError: .*network must be 'none' or \{ allow/);
  expect(errors[2]).toMatch(/^TypeError: .*unknown network option "retries"/);
  expect(errors[3]).toMatch(/^TypeError: .*network must be 'none'/);
});
