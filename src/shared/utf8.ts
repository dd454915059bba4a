/**
 * UTF-8 sizes of JavaScript strings without encoding them. Caps in this library are in UTF-8
 * bytes (what a reader of the output pays for), never in UTF-16 code units.
 */

/** The number of bytes `s` takes as UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes, never inside a surrogate pair. */
export function cutUtf8(s: string, maxBytes: number): string {
  if (s.length <= maxBytes / 3) return s;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (n + size > maxBytes) return s.slice(0, i);
    n += size;
    if (pair) i++;
  }
  return s;
}

/** True when `s` certainly fits in `maxBytes` of UTF-8, or does after measuring. */
export function fitsUtf8(s: string, maxBytes: number): boolean {
  if (s.length > maxBytes) return false; // every UTF-16 unit is at least one byte
  return s.length * 3 <= maxBytes || utf8Length(s) <= maxBytes;
}
