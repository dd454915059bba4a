/** The Python worker's small pure parts: finding the memories a wasm module defines, and paths inside the guest's home. */
import { describe, expect, it } from 'vitest';
import { definedMemories } from '../../../../src/worker/python/wasm-memories.js';
import { homeParts } from '../../../../src/worker/python/guest-fs.js';

describe('definedMemories', () => {
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  it('finds memories a module defines, not ones it imports', () => {
    expect(definedMemories(new Uint8Array([...header, 5, 3, 1, 0, 1]))).toBe(1);
    // (import "env" "memory" (memory 1)): an import section, no memory section.
    expect(definedMemories(new Uint8Array([...header, 2, 15, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1]))).toBe(0);
    expect(definedMemories(new Uint8Array(header))).toBe(0);
  });
  it('throws on a truncated module rather than guess', () => {
    expect(() => definedMemories(new Uint8Array([...header, 5, 0x80]))).toThrow(RangeError);
  });
});

describe('homeParts', () => {
  it('keeps paths inside /home/user', () => {
    expect(homeParts('a/b/../c.txt')).toEqual(['a', 'c.txt']);
    expect(homeParts('/home/user/x')).toEqual(['x']);
    expect(homeParts('.')).toEqual([]);
  });
  it.each(['/lib/os.py', '/home/userx/file', '../x', 'a/../../x', '/'])('refuses %s', (path) => {
    expect(() => homeParts(path)).toThrow(/home\/user/);
  });
});
