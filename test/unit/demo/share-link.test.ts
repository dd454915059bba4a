/** The playground's shareable links: `#lang=…&code=<base64url of UTF-8>`. */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, fromHash, toBase64Url, toHash } from '../../../demo/share-link.js';

describe('share links', () => {
  it('round-trips any code, including non-ASCII and characters base64 turns into + and /', () => {
    for (const code of ['print("hi")', 'ünïcode ✓ 🐍', '>>>???', '', 'a\n\tb\r\n']) {
      expect(fromHash(toHash({ language: 'python', code }))).toEqual({ language: 'python', code });
    }
  });

  it('writes base64url without padding, as Node does', () => {
    for (const text of ['>>>???', 'ab', 'ünï']) expect(toBase64Url(text)).toBe(Buffer.from(text).toString('base64url'));
    expect(fromBase64Url('aGk=')).toBe('hi');
  });

  it('reads the hash the issue specifies', () => {
    expect(fromHash(`#lang=javascript&code=${Buffer.from('1 + 1').toString('base64url')}`)).toEqual({ language: 'javascript', code: '1 + 1' });
  });

  it('ignores hashes that are not playground links', () => {
    expect(fromHash('')).toBeUndefined();
    expect(fromHash('#section-2')).toBeUndefined();
    expect(fromHash('#lang=ruby&code=MQ')).toBeUndefined();
    expect(fromHash('#lang=python')).toBeUndefined();
    expect(fromHash('#lang=python&code=***')).toBeUndefined();
    expect(fromHash('#lang=python&code=_w')).toBeUndefined(); // 0xFF is not UTF-8
  });
});
