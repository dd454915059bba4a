/**
 * Caps the growth of every WebAssembly memory in this worker. Pyodide's allocator asks the memory
 * to grow; past the cap the grow throws, the allocator returns NULL, and Python raises MemoryError
 * while the interpreter keeps working. Installed before Pyodide loads.
 */
const PAGE = 64 * 1024;

/** Makes `WebAssembly.Memory.prototype.grow` refuse to go past `maxBytes`. */
export function capWasmMemory(maxBytes: number): void {
  const grow = WebAssembly.Memory.prototype.grow;
  Object.defineProperty(WebAssembly.Memory.prototype, 'grow', {
    configurable: false,
    writable: false,
    value: function cappedGrow(this: WebAssembly.Memory, delta: number): number {
      if (this.buffer.byteLength + delta * PAGE > maxBytes) {
        throw new RangeError(`WebAssembly.Memory.grow: the sandbox's memory limit (${Math.round(maxBytes / 1048576)} MB) would be passed`);
      }
      return grow.call(this, delta);
    },
  });
}
