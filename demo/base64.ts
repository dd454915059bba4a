/** Base64 of text as UTF-8 bytes, and back: for share links and for SVG data URLs. */

/** Base64 (RFC 4648 §4, padded) of the UTF-8 bytes of `text`. */
export function utf8ToBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The text whose UTF-8 bytes `base64` holds; throws if it is not base64 or not UTF-8. */
export function base64ToUtf8(base64: string): string {
  const binary = atob(base64);
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
