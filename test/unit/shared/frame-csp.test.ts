/** The frame's Content-Security-Policy: exactly what start-up needs, nothing a guest could use. */
import { describe, expect, it } from 'vitest';
import { buildFrameCsp, buildFrameHtml, frameAlteration, frameCspDirectives } from '../../../src/shared/frame-csp.js';

const HASH = 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

describe('frame CSP', () => {
  const directives = new Map(frameCspDirectives(HASH));

  it('denies everything by default and allows no network', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.has('connect-src')).toBe(false); // falls back to default-src 'none'
    // Only the worker may come from a data: URL (the handed-in bytes, where blob: is refused).
    const rest = [...directives].filter(([name]) => name !== 'worker-src').map(([name, value]) => `${name} ${value}`).join('; ');
    expect(buildFrameCsp(HASH)).not.toMatch(/https?:|'self'|\*/);
    expect(rest).not.toMatch(/data:|blob:/);
  });

  it('allows only the pinned inline script and wasm compilation, never eval or inline in general', () => {
    expect(directives.get('script-src')).toBe(`'${HASH}' 'wasm-unsafe-eval'`);
    expect(buildFrameCsp(HASH)).not.toContain("'unsafe-inline'");
    expect(buildFrameCsp(HASH)).not.toContain("'unsafe-eval'");
  });

  it('allows workers only from blob: and data: (the bytes the host handed in) and blocks base and form tricks', () => {
    expect(directives.get('worker-src')).toBe('blob: data:');
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
  });

  it('rejects a malformed hash', () => {
    expect(() => buildFrameCsp("sha256-x' 'unsafe-inline")).toThrow(TypeError);
  });

  it('puts the policy in a meta tag before the script', () => {
    const html = buildFrameHtml('void 0', HASH);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script>'));
    expect(() => buildFrameHtml('"</script>"', HASH)).toThrow();
  });
});

describe('frameAlteration', () => {
  it('finds the frame as built intact, and names a rewritten script or a lost policy', async () => {
    const { createHash } = await import('node:crypto');
    const script = 'console.log(1)';
    const html = buildFrameHtml(script, `sha256-${createHash('sha256').update(script).digest('base64')}`);
    expect(await frameAlteration(html)).toBeUndefined();
    expect(await frameAlteration(html.replace(script, 'console.log( 1 )'))).toMatch(/^its inline script no longer has the hash its Content-Security-Policy pins/);
    expect(await frameAlteration(html.replace(/<meta http-equiv[^>]*>/, ''))).toBe('its Content-Security-Policy or its inline script is missing');
  });
});
