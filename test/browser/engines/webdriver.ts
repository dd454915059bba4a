/**
 * WebKitGTK for the browser suite. Playwright cannot drive Debian's WebKitGTK (its WebKit is a
 * patched build that cannot be downloaded here), so this drives MiniBrowser through
 * `WebKitWebDriver` over W3C WebDriver, behind the small part of Playwright's `Browser`/`Page`
 * API that the specs use (`newContext`, `newPage`, `goto`, `evaluate`, `locator(…)`,
 * `on('pageerror')`, `context().pages()`), plus `evaluateInFrame`. The specs stay one set for
 * every engine; what only Chromium's DevTools protocol can show (workers) is marked in the spec.
 *
 * Each page is one WebDriver session (its own MiniBrowser process), so pages share nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { Browser, Page } from '@playwright/test';
import { spawnGroup, stopGroup } from './process-group.js';

const MINIBROWSER = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser'];

/** The MiniBrowser binary WebKitWebDriver starts, or undefined when WebKitGTK is not installed. */
export function miniBrowserPath(): string | undefined {
  return process.env.MINIBROWSER_PATH ?? MINIBROWSER.find((p) => existsSync(p));
}

/** How long one WebDriver command may take unless `launch` says otherwise: longer than any test. */
const COMMAND_TIMEOUT_MS = 120_000;
/**
 * How long starting a session (a MiniBrowser) may take before the driver is restarted and it is
 * tried once more: normally 1–10 s; in one fresh-clone CI run two workers' `POST /session` hung
 * for the whole 90 s test timeout, right after the Python tests whose guests defeat interrupts
 * (their orphaned web processes were seen using 150–180% CPU; docs/platform-notes.md).
 */
const SESSION_TIMEOUT_MS = 40_000;

interface WireError {
  error: string;
  message: string;
}

/** An error thrown by page code, or by the driver, in the shape Playwright gives it. */
class EvaluateError extends Error {}

/** Values that JSON cannot carry are tagged in the page and restored here. */
function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const tag = (value as { __wd?: string; v?: string }).__wd;
    if (tag !== undefined) {
      const v = (value as { v?: string }).v;
      switch (tag) {
        case 'undefined':
          return undefined;
        case 'number':
          return Number(v);
        case 'bigint':
          return BigInt(v!);
        case 'date':
          return new Date(v!);
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** Page-side: runs `fn(arg)`, returns `{ ok | error, pageErrors }` as JSON text with tagged values. */
const RUNNER = `
const [argJson, done] = arguments;
const encode = (key, v) => v === undefined ? { __wd: 'undefined' }
  : typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { __wd: 'number', v: String(Object.is(v, -0) ? '-0' : v) }
  : typeof v === 'bigint' ? { __wd: 'bigint', v: String(v) }
  : v;
const dateToJSON = Date.prototype.toJSON;
const finish = (out) => {
  out.pageErrors = (window.__wdPageErrors || []).splice(0);
  Date.prototype.toJSON = function () { return { __wd: 'date', v: dateToJSON.call(this) }; };
  try { done(JSON.stringify(out, encode)); } finally { Date.prototype.toJSON = dateToJSON; }
};
Promise.resolve()
  .then(() => (__FN__)(JSON.parse(argJson)))
  .then((ok) => finish({ ok }), (e) => finish({ error: (e && e.name ? e.name + ': ' : '') + (e && e.message !== undefined ? e.message : String(e)) }));
`;

/** Page-side, after each navigation: collects the page's uncaught errors for `on('pageerror')`. */
const COLLECT_ERRORS = `
if (!window.__wdPageErrors) {
  window.__wdPageErrors = [];
  // Read once every listener has run: an error a page handles (preventDefault) is not uncaught.
  addEventListener('error', (e) => setTimeout(() => e.defaultPrevented || window.__wdPageErrors.push({ message: String(e.message), stack: e.error && e.error.stack || '' })));
  addEventListener('unhandledrejection', (e) => window.__wdPageErrors.push({ message: 'Uncaught (in promise) ' + String(e.reason && e.reason.message || e.reason), stack: e.reason && e.reason.stack || '' }));
}
`;

/** One WebDriver session, the one page it shows. */
class WebDriverPage {
  private readonly errorListeners: Array<(error: Error) => void> = [];
  private closed = false;

  constructor(
    private readonly driver: WebKitDriver,
    private readonly session: string,
    private readonly baseURL: string | undefined,
    private readonly owner: WebDriverContext,
  ) {}

  private command(method: string, path: string, body?: unknown): Promise<unknown> {
    return this.driver.command(method, `/session/${this.session}${path}`, body);
  }

  async goto(url: string): Promise<null> {
    const href = new URL(url, this.baseURL).href;
    await this.command('POST', '/url', { url: href });
    try {
      await this.command('POST', '/execute/sync', { script: COLLECT_ERRORS, args: [] });
    } catch (error) {
      // Seen once in a loaded CI run: the first script after a navigation answered "timeout" (the
      // driver still waiting on the load it had just reported done). One more navigation, then fail.
      if (!String(error).includes(': timeout:')) throw error;
      console.warn(`WebKitWebDriver: the first script on ${href} timed out (${String(error)}); navigating once more`);
      await this.command('POST', '/url', { url: href });
      await this.command('POST', '/execute/sync', { script: COLLECT_ERRORS, args: [] });
    }
    return null;
  }

  /** Runs `fn(arg)` in the page: the function's source goes into the script itself (no eval in the page, so strict page CSPs hold). */
  async evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    const script = RUNNER.replace('__FN__', () => fn.toString());
    const text = (await this.command('POST', '/execute/async', { script, args: [JSON.stringify(arg ?? null)] })) as string;
    const out = JSON.parse(text) as { ok?: unknown; error?: string; pageErrors: Array<{ message: string; stack: string }> };
    for (const { message, stack } of out.pageErrors) {
      const error = Object.assign(new Error(message), { stack: `${message}\n${stack}` });
      for (const listener of this.errorListeners) listener(error);
    }
    if (out.error !== undefined) throw new EvaluateError(`page.evaluate: ${out.error}`);
    return decode(out.ok) as R;
  }

  /** Runs `fn(arg)` in the frame of the element `selector` (WebDriver switches into it, whatever its origin). */
  async evaluateInFrame<R, A>(selector: string, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    const element = await this.command('POST', '/element', { using: 'css selector', value: selector });
    await this.command('POST', '/frame', { id: element });
    try {
      return await this.evaluate(fn, arg);
    } finally {
      await this.command('POST', '/frame/parent', {});
    }
  }

  on(event: string, listener: (error: Error) => void): this {
    if (event !== 'pageerror') throw new Error(`the WebKit driver has no '${event}' event`);
    this.errorListeners.push(listener);
    return this;
  }

  /** A locator that can count and read its first element (what the specs ask of plain selectors). */
  locator(selector: string) {
    return {
      count: () => this.evaluate((s) => document.querySelectorAll(s).length, selector),
      evaluate: <R>(fn: (el: Element) => R) => this.evaluate(
        // The element function is applied in the page to the selector's first match.
        new Function('s', `return (${fn.toString()})(document.querySelector(s))`) as (s: string) => R,
        selector,
      ),
    };
  }

  context(): WebDriverContext {
    return this.owner;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.owner.forget(this);
    await this.command('DELETE', '').catch(() => {});
    this.driver.sessionClosed();
  }
}

/**
 * Fails when `port` is taken. A WebKitWebDriver left from a run that was killed (it lives in a
 * session of its own) kept its port, the new driver could not bind it and exited, and the new run's
 * sessions went to the old driver unnoticed.
 */
async function portIsFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`port ${port} for WebKitWebDriver is taken (${error.code}): a driver left from an earlier run? (pgrep -a WebKitWebDriver)`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function startDriver(port: number): ChildProcess {
  return spawnGroup('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1']);
}

/** Pages opened together; closing it closes them. */
class WebDriverContext {
  private readonly open = new Set<WebDriverPage>();

  constructor(
    private readonly driver: WebKitDriver,
    private readonly baseURL: string | undefined,
  ) {}

  async newPage(): Promise<WebDriverPage> {
    const page = await this.driver.openPage(this.baseURL, this);
    this.open.add(page);
    return page;
  }

  pages(): WebDriverPage[] {
    return [...this.open];
  }

  forget(page: WebDriverPage): void {
    this.open.delete(page);
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map((p) => p.close()));
  }
}

/** One WebKitWebDriver process (per test worker); stands in for Playwright's `Browser`. */
export class WebKitDriver {
  /** Read by Playwright's context fixture (headers of a remote connection: none here). */
  readonly _connection = { headers: undefined };

  /** Sessions open now: the driver may be restarted only when there are none. */
  private sessions = 0;

  private constructor(
    private process: ChildProcess,
    private readonly port: number,
    private readonly url: string,
    private readonly binary: string,
    /** The project's baseURL, which Playwright would give its own contexts. */
    private readonly baseURL: string | undefined,
    private readonly commandTimeoutMs: number,
  ) {}

  /** Starts `WebKitWebDriver` on `port`; MiniBrowser needs an X display (`DISPLAY`, e.g. Xvfb). */
  static async launch(port: number, baseURL?: string, { commandTimeoutMs = COMMAND_TIMEOUT_MS } = {}): Promise<WebKitDriver> {
    const binary = miniBrowserPath();
    if (!binary) throw new Error('WebKitGTK is not installed (Debian: apt-get install -y webkit2gtk-driver xvfb)');
    if (!process.env.DISPLAY) throw new Error('WebKit needs an X display: set DISPLAY (the suite starts Xvfb when it can)');
    await portIsFree(port);
    const driver = new WebKitDriver(startDriver(port), port, `http://127.0.0.1:${port}`, binary, baseURL, commandTimeoutMs);
    await driver.whenUp();
    return driver;
  }

  private async whenUp(): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await this.command('GET', '/status');
        return;
      } catch (error) {
        if (i > 100 || this.process.exitCode !== null) throw new Error(`WebKitWebDriver did not start on port ${this.port}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /**
   * One WebDriver command, on a connection of its own: with fetch's kept-alive connections a
   * command now and then went out on one WebKitWebDriver had just closed ("other side closed").
   */
  async command(method: string, path: string, body?: unknown, timeoutMs = this.commandTimeoutMs): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        this.url + path,
        {
          method,
          agent: false,
          headers: { 'content-type': 'application/json', ...(payload !== undefined && { 'content-length': Buffer.byteLength(payload) }) },
          // A hung driver fails the command, never hangs a teardown.
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    const { value } = JSON.parse(text) as { value: unknown };
    if (status < 200 || status >= 300) {
      const { error, message } = value as WireError;
      throw new EvaluateError(`WebDriver ${method} ${path}: ${error}: ${message}`);
    }
    return value;
  }

  /** Starts a WebDriver session: one MiniBrowser showing one page. */
  async openPage(baseURL: string | undefined, owner: WebDriverContext): Promise<WebDriverPage> {
    // No browserName: with one, WebKitWebDriver refuses the session ("Failed to match capabilities").
    const start = () =>
      this.command('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            'webkitgtk:browserOptions': { binary: this.binary, args: ['--automation'] },
            timeouts: { script: null, pageLoad: 60_000 },
          },
        },
      }, SESSION_TIMEOUT_MS) as Promise<{ sessionId: string }>;
    let created: { sessionId: string };
    try {
      created = await start();
    } catch (error) {
      // A hung start: with no other page to lose, a fresh driver (and MiniBrowser) gets one more try.
      if (this.sessions > 0) throw error;
      console.warn(`WebKitWebDriver: starting a session failed (${String(error)}); restarting the driver and trying once more`);
      await stopGroup(this.process);
      this.process = startDriver(this.port);
      await this.whenUp();
      created = await start();
    }
    this.sessions++;
    return new WebDriverPage(this, created.sessionId, baseURL, owner);
  }

  /** Called by a page once its session is deleted. */
  sessionClosed(): void {
    this.sessions--;
  }

  // The subset of Playwright's Browser the fixtures use.
  async newContext(options: { baseURL?: string } = {}): Promise<WebDriverContext> {
    return new WebDriverContext(this, options.baseURL ?? this.baseURL);
  }

  version(): string {
    return 'WebKitGTK';
  }

  /** Stops WebKitWebDriver and every MiniBrowser it started. */
  async close(): Promise<void> {
    await stopGroup(this.process);
  }

  /** This driver as the `Browser` the fixtures hand out. */
  asBrowser(): Browser {
    const browser = this as unknown as Browser & { newPage(options?: { baseURL?: string }): Promise<Page> };
    browser.newPage = async (options: { baseURL?: string } = {}) => (await this.newContext(options)).newPage() as unknown as Page;
    return browser;
  }
}
