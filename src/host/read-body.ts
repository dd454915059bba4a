/**
 * Reads a response's body chunk by chunk: for download progress (engine assets) and for a size
 * cap that holds before the whole body is in memory (granted network requests).
 */

export interface ReadBodyOptions {
  /** Hears each chunk's size as it arrives. */
  onChunk?(bytes: number): void;
  /** Refuses a body past this many bytes: `tooLarge()` is thrown, and the rest is not read. */
  max?: number;
  tooLarge?(): Error;
}

/** The body's bytes. A declared Content-Length past `max` is refused before reading. */
export async function readBody(response: Response, { onChunk, max = Infinity, tooLarge = () => new RangeError(`the body is larger than ${max} bytes`) }: ReadBodyOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(response.headers.get('Content-Length')) > max) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
    onChunk?.(value.length);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
