/**
 * Shareable playground links: the URL hash carries the language and the code,
 * `#lang=python&code=<base64url of the UTF-8 code>`.
 */
import type { Language } from '../dist/index.js';
import { base64ToUtf8, utf8ToBase64 } from './base64.js';

/** What a link carries. */
export interface SharedCode {
  language: Language;
  code: string;
}

/** Base64url (RFC 4648 §5, no padding) of the UTF-8 bytes of `text`. */
export function toBase64Url(text: string): string {
  return utf8ToBase64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The text whose UTF-8 bytes `encoded` holds in base64url (padding optional); throws if malformed. */
export function fromBase64Url(encoded: string): string {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(encoded)) throw new Error('not base64url');
  return base64ToUtf8(encoded.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
}

/** The hash (with `#`) of a link to `shared`. */
export function toHash({ language, code }: SharedCode): string {
  return `#lang=${language}&code=${toBase64Url(code)}`;
}

/** What a hash carries, or undefined when it is not a well-formed playground link. */
export function fromHash(hash: string): SharedCode | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const language = params.get('lang');
  const code = params.get('code');
  if ((language !== 'javascript' && language !== 'python') || code === null) return undefined;
  try {
    return { language, code: fromBase64Url(code) };
  } catch {
    return undefined;
  }
}
