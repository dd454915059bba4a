/**
 * Reads which memories a WebAssembly module defines itself (as opposed to importing), from its
 * binary: section 5 of the format. A module that defines its memory gets fresh memory outside
 * any engine's heap when instantiated, so the Python worker refuses such modules from guests.
 */

const MEMORY_SECTION = 5;

/** Reads an unsigned LEB128 number at `offset`; returns it and the offset after it. */
function leb(bytes: Uint8Array, offset: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (offset >= bytes.length) throw new RangeError('truncated wasm module');
    const byte = bytes[offset++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [result, offset];
    shift += 7;
    if (shift > 63) throw new RangeError('malformed LEB128 number in wasm module');
  }
}

/** The number of memories `bytes` (a wasm binary) defines in its memory section. */
export function definedMemories(bytes: Uint8Array): number {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return 0; // not wasm: the engine will refuse it
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset++]!;
    const [size, start] = leb(bytes, offset);
    if (id === MEMORY_SECTION) return leb(bytes, start)[0];
    offset = start + size;
  }
  return 0;
}

/** The bytes of whatever WebAssembly accepts as a module source; undefined for anything else. */
export function sourceBytes(source: unknown): Uint8Array | undefined {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return undefined;
}
