/**
 * The test suite's HTTP server: serves the repository (dist/, test pages) with the headers a
 * user's server would send in each host setup, and a canary that records every request it gets.
 * Only loopback addresses are used.
 */
// @ts-check
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** @typedef {'coi' | 'plain' | 'csp'} HostSetup The three host setups the browser suite runs under. */

/** The strict policy security-minded chat apps ship; no inline script, no eval, no wasm. */
export const STRICT_HOST_CSP =
  "default-src 'self'; script-src 'self'; frame-src 'self'; worker-src 'self'; connect-src 'self'";

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.zip': 'application/zip',
};

/**
 * URL prefixes mapped to folders (or one file). `/deep/path/to/lib/` proves the library works from
 * any path; `/hostile-assets/` is the library with its workers replaced by a hostile one, for the
 * frame-boundary tests.
 * @type {Array<[string, string]>}
 */
const MOUNTS = [
  ['/hostile-assets/worker.js', 'test/fixtures/hostile-worker.js'],
  ['/hostile-assets/python-worker.js', 'test/fixtures/hostile-worker.js'],
  ['/hostile-assets/', 'dist/'],
  ['/same-origin-corp/', 'dist/'],
  ['/altered-assets/', 'dist/'],
  ['/slow-index/', 'test/fixtures/wheels/index/'],
  ['/deep/path/to/lib/', 'dist/'],
  ['/', ''],
];

/**
 * Files served changed, as a bundler or server that rewrites them would: `/altered-assets/` is the
 * library with its frame's script changed by one space (its CSP hash then no longer matches).
 * @type {Record<string, (body: Buffer) => Buffer>}
 */
const REWRITES = {
  '/altered-assets/frame.htm': (body) => Buffer.from(body.toString('utf8').replace('<script>', '<script> ')),
};

/**
 * @param {HostSetup} setup
 * @param {string} path the file sent
 * @param {string | undefined} dest the request's Sec-Fetch-Dest
 * @param {string} urlPath the path asked for
 */
function headersFor(setup, path, dest, urlPath = path) {
  /** @type {Record<string, string>} */
  const headers = { 'Cache-Control': 'no-store' };
  if (setup === 'coi') {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    // frame.htm as the README asks for isolated pages: a sandboxed (opaque-origin) frame is
    // cross-origin to the page, and browsers without credentialless iframes check its CORP.
    // /same-origin-corp/ serves the library without that, as a server that missed the step would.
    const frame = dest === 'iframe' && /\.html?$/.test(path) && !urlPath.startsWith('/same-origin-corp/');
    headers['Cross-Origin-Resource-Policy'] = frame ? 'cross-origin' : 'same-origin';
  }
  // Top-level pages get the strict policy, as an app server sends it for its documents. The
  // sandbox's frame.htm (loaded as an iframe) carries its own policy in a meta tag.
  if (setup === 'csp' && path.endsWith('.html') && dest !== 'iframe') {
    headers['Content-Security-Policy'] = STRICT_HOST_CSP;
  }
  return headers;
}

/**
 * Sends `file` (its index.html for a folder) with its content type and length and `headers`, or a
 * 404 with `notFoundHeaders`.
 * @param {import('node:http').ServerResponse} res
 * @param {string} file
 * @param {(file: string) => Record<string, string>} headers
 * @param {Record<string, string>} notFoundHeaders
 * @param {(body: Buffer) => Buffer} [rewrite]
 */
async function sendFile(res, file, headers, notFoundHeaders = {}, rewrite = (/** @type {Buffer} */ body) => body) {
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = rewrite(await readFile(file));
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(body.length), ...headers(file) });
    res.end(body);
  } catch {
    res.writeHead(404, notFoundHeaders).end('not found');
  }
}

/**
 * @param {HostSetup} setup
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
async function serveFile(setup, req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = decodeURIComponent(url.pathname);
  const mount = /** @type {[string, string]} */ (MOUNTS.find(([prefix]) => path.startsWith(prefix)));
  const file = normalize(join(ROOT, mount[1], path.slice(mount[0].length)));
  if (!file.startsWith(ROOT) || file.includes(`${sep}node_modules${sep}.`)) {
    res.writeHead(403).end();
    return;
  }
  // A slow package index: its wheels come after a long pause, as over a bad link.
  if (path.startsWith('/slow-index/') && path.endsWith('.whl')) await new Promise((resolve) => setTimeout(resolve, 5000));
  const dest = /** @type {string | undefined} */ (req.headers['sec-fetch-dest']);
  await sendFile(res, file, (sent) => headersFor(setup, sent, dest, path), headersFor(setup, path, undefined), REWRITES[path]);
}

/**
 * Serves one folder the way a plain static host does (GitHub Pages, an S3 bucket): content type
 * and length, and no other header at all, so no COOP/COEP, no CSP, no caching rules. The paths it
 * was asked for are kept in `requests`.
 * @param {string} folder a folder, relative to the repository
 * @param {number} port 0 picks a free port
 * @returns {Promise<import('node:http').Server & { requests: string[] }>}
 */
export async function startPlainSiteServer(folder, port) {
  const root = join(ROOT, folder);
  /** @type {string[]} */
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url ?? '');
    const file = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    await sendFile(res, file, () => ({}));
  });
  return Object.assign(await listen(server, port), { requests });
}

/**
 * @param {import('node:http').Server} server
 * @param {number} port
 * @returns {Promise<import('node:http').Server>}
 */
function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Serves the repository under one host setup. Port 0 picks a free port.
 * @param {HostSetup} setup
 * @param {number} port
 */
export function startStaticServer(setup, port) {
  return listen(createServer((req, res) => void serveFile(setup, req, res)), port);
}

/**
 * A server that must never be reached by guest code. It counts every request except the test
 * runner's own `GET /__count`, and answers permissively (CORS *), so only the sandbox's own
 * policy can be what stops a request.
 */
/** @param {number} port */
export function startCanary(port) {
  /** @type {string[]} */
  let hits = [];
  const server = createServer((req, res) => {
    if (req.url === '/__count') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(hits));
      return;
    }
    if (req.url === '/__reset') {
      hits = [];
      res.writeHead(204).end();
      return;
    }
    hits.push(`${req.method} ${req.url} origin=${req.headers.origin ?? ''}`);
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Content-Type': 'text/javascript',
    });
    res.end('/* canary */');
  });
  return listen(server, port);
}

/**
 * A server the tests allow guests to reach through the host (network policy). It answers with
 * permissive CORS and echoes what it got; `/big` sends 2 MB, `/redirect` redirects to `?to=`.
 * @param {number} port
 */
export function startEcho(port) {
  const server = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/redirect') {
      res.writeHead(302, { ...cors, Location: url.searchParams.get('to') ?? '/' }).end();
      return;
    }
    if (url.pathname === '/big') {
      res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream' }).end(Buffer.alloc(2 * 1024 * 1024, 120));
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const echo = { method: req.method, path: url.pathname + url.search, body, contentType: req.headers['content-type'] ?? null, cookie: req.headers.cookie ?? null, custom: req.headers['x-custom'] ?? null };
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'X-Echo': 'yes', 'Access-Control-Expose-Headers': 'X-Echo' });
      res.end(JSON.stringify(echo));
    });
  });
  return listen(server, port);
}
