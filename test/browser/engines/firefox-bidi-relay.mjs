#!/usr/bin/env node
// @ts-check
/**
 * Stands in for the Firefox executable when Playwright drives Debian's Firefox ESR over WebDriver
 * BiDi (`channel: 'moz-firefox'`). It starts the real Firefox with the same arguments and relays
 * the BiDi WebSocket unchanged, except for the one command Firefox ESR does not know and that
 * Playwright sends for every new page: `emulation.setMediaFeaturesOverride` (colour-scheme
 * emulation). That command is answered with success here, so nothing the tests exercise is
 * emulated or changed: every other message reaches Firefox and comes back as Firefox sent it.
 *
 * Environment: FIREFOX_BINARY (default /usr/bin/firefox-esr).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WebSocket, WebSocketServer } from 'ws';

const BINARY = process.env.FIREFOX_BINARY || '/usr/bin/firefox-esr';
const UNSUPPORTED = new Set(['emulation.setMediaFeaturesOverride']);
const LISTENING = /WebDriver BiDi listening on (ws:\/\/[^\s]+)/;

const firefox = spawn(BINARY, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'pipe'] });
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of /** @type {const} */ (['SIGTERM', 'SIGINT', 'SIGHUP'])) process.on(sig, () => firefox.kill(sig));

createInterface({ input: /** @type {import('node:stream').Readable} */ (firefox.stderr) }).on('line', (line) => {
  const match = LISTENING.exec(line);
  if (!match) return void process.stderr.write(`${line}\n`);
  const upstream = new URL(/** @type {string} */ (match[1]));
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 30 });
  server.on('listening', () => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${port}\n`);
  });
  server.on('connection', (client, request) => relay(client, new URL(request.url ?? '/', upstream).href));
});

/**
 * Pipes one client connection to Firefox, answering the unsupported commands itself.
 * @param {WebSocket} client
 * @param {string} url
 */
function relay(client, url) {
  const browser = new WebSocket(url, { maxPayload: 1 << 30 });
  /** @type {string[]} */
  const queued = [];
  browser.on('open', () => queued.splice(0).forEach((m) => browser.send(m)));
  browser.on('message', (data) => client.send(data.toString()));
  client.on('message', (data) => {
    const text = data.toString();
    const message = JSON.parse(text);
    if (UNSUPPORTED.has(message.method)) {
      client.send(JSON.stringify({ type: 'success', id: message.id, result: {} }));
    } else if (browser.readyState === WebSocket.OPEN) {
      browser.send(text);
    } else {
      queued.push(text);
    }
  });
  browser.on('close', () => client.close());
  client.on('close', () => browser.close());
  browser.on('error', () => client.close());
  client.on('error', () => browser.close());
}
