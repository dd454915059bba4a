/**
 * Starting a sandbox frame: the iframe's attributes (the boundary's first line), and the errors
 * that say why a frame did not load or answer.
 */
import { frameAlteration } from '../shared/frame-csp.js';
import { SandboxStartError } from '../shared/errors.js';

/** The sandbox's iframe for `frameUrl`, not yet in the page. */
export function sandboxIframe(frameUrl: string): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  // Scripts only: an opaque origin with no access to the page, storage, popups, forms or navigation.
  iframe.setAttribute('sandbox', 'allow-scripts');
  // Lets the frame share the page's cross-origin isolation, so runs can be interrupted via shared memory.
  iframe.setAttribute('allow', 'cross-origin-isolated');
  // On an isolated page the frame loads without credentials in a partition of its own. That lets
  // it load even when frame.htm comes without a COEP header, as on a static host whose isolation
  // a service worker adds (service workers never see a sandboxed frame's navigation). Chromium
  // only; elsewhere frame.htm needs its own headers (see frameLoadHint).
  if (globalThis.crossOriginIsolated) iframe.setAttribute('credentialless', '');
  iframe.setAttribute('aria-hidden', 'true');
  iframe.tabIndex = -1;
  iframe.title = 'ai-sandbox';
  iframe.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  iframe.dataset.aiSandbox = '';
  iframe.src = frameUrl;
  return iframe;
}

/**
 * Why a frame may not load on this page: on a cross-origin isolated page, browsers without
 * credentialless iframes (Firefox, Safari) load the sandboxed (opaque-origin) frame only when its
 * own response allows it.
 */
export function frameLoadHint(): string {
  if (!globalThis.crossOriginIsolated || 'credentialless' in HTMLIFrameElement.prototype) return '';
  return ': on a cross-origin isolated page this browser needs frame.htm served with `Cross-Origin-Embedder-Policy: require-corp` and `Cross-Origin-Resource-Policy: cross-origin`';
}

/** `promise`, or a {@link SandboxStartError} with `message` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new SandboxStartError(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A named error when the served frame is not the one the build made (checked after it did not answer). */
export async function alteredFrameError(frameUrl: string): Promise<SandboxStartError | undefined> {
  try {
    const response = await fetch(frameUrl, { credentials: 'same-origin' });
    const problem = response.ok ? await frameAlteration(await response.text()) : undefined;
    return problem === undefined
      ? undefined
      : new SandboxStartError(`the sandbox frame at ${frameUrl} was changed after the library was built: ${problem}. A bundler or server rewrote it; serve frame.htm byte for byte (README: Deploying, Bundlers)`);
  } catch {
    return undefined;
  }
}
