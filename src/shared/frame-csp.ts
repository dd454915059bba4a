/**
 * The Content-Security-Policy of the sandbox frame, set by a `<meta>` tag in `frame.htm`. Blob
 * workers inherit it, so it is also the guest's policy. It allows exactly what starting the engine
 * needs and nothing a guest could use to reach out.
 */

/** Every directive with its value; the reason for each is beside it. */
export function frameCspDirectives(scriptHash: string): Array<[string, string]> {
  return [
    // Nothing loads unless a directive below allows it: no fetch, images, fonts, media, frames.
    ['default-src', "'none'"],
    // The frame's one inline script (pinned by hash), and compiling the engine's WebAssembly.
    // No host origin: the host hands the worker's code and wasm in, so importScripts has nothing to load.
    ['script-src', `'${scriptHash}' 'wasm-unsafe-eval'`],
    // The worker is started from a blob: URL made of the bytes the host handed in, or a data: URL
    // of the same bytes where the browser refuses blob: workers here (WebKit on isolated pages).
    ['worker-src', 'blob: data:'],
    // Not covered by default-src: no <base> rewriting, no form submission anywhere.
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
}

/** The policy as one header/meta value. `scriptHash` is `sha256-<base64>` of the inline script. */
export function buildFrameCsp(scriptHash: string): string {
  if (!/^sha256-[A-Za-z0-9+/]+={0,2}$/.test(scriptHash)) {
    throw new TypeError(`frame CSP: expected a sha256-<base64> script hash, got ${JSON.stringify(scriptHash)}`);
  }
  return frameCspDirectives(scriptHash)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** Builds `frame.htm`: the inline frame script and the policy that pins it. */
export function buildFrameHtml(script: string, scriptHash: string): string {
  if (script.includes('</script')) throw new Error('frame script must not contain "</script"');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${buildFrameCsp(scriptHash)}">`,
    '<title>ai-sandbox frame</title>',
    `</head><body><script>${script}</script></body></html>`,
    '',
  ].join('\n');
}

/**
 * Why `html` (a served frame.htm) cannot start, when it was changed after the build: its inline
 * script no longer has the hash its policy pins (a bundler or server minified or rewrote it), or
 * the policy or script is gone. Undefined when it is intact, or when this context cannot hash.
 */
export async function frameAlteration(html: string): Promise<string | undefined> {
  const pinned = /<meta http-equiv="?Content-Security-Policy"? content="[^"]*'(sha256-[A-Za-z0-9+/]+={0,2})'/i.exec(html)?.[1];
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
  if (!pinned || script === undefined) return 'its Content-Security-Policy or its inline script is missing';
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(script)));
  const actual = `sha256-${btoa(String.fromCharCode(...digest))}`;
  return actual === pinned ? undefined : `its inline script no longer has the hash its Content-Security-Policy pins (${pinned}, now ${actual})`;
}
