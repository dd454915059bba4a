/**
 * The Python worker's memory limit, over everything a guest can fill that this worker can count:
 * the interpreter's wasm memory, any other WebAssembly memory, and the in-memory file system
 * (files live in JavaScript arrays, outside wasm memory). Past the limit, wasm memory refuses to
 * grow (Python raises MemoryError and keeps working), new memories are refused, and file writes
 * fail with ENOSPC. WebAssembly modules that would bring memory of their own are refused.
 *
 * What stays outside, and why, is in docs/platform-notes.md: JavaScript objects a guest creates
 * through `js` (typed arrays, strings) live in the worker's JavaScript heap, which only the
 * browser bounds. This runs in the guest's realm, like everything in the worker: it is what an
 * honest worker enforces, while the frame and the host bound the rest.
 */
import type { PyodideAPI } from 'pyodide';
import { emscriptenFs, type EmscriptenFs, type FsNode } from './pyodide-internals.js';
import { definedMemories, sourceBytes } from './wasm-memories.js';

const PAGE = 64 * 1024;

/** The worker's memory budget. One per worker, installed before Pyodide loads. */
export class MemoryBudget {
  /** Every WebAssembly memory seen so far: Pyodide's own, and any a guest made. */
  private readonly memories = new Set<WeakRef<WebAssembly.Memory>>();
  private readonly known = new WeakSet<WebAssembly.Memory>();
  /** File bytes as last counted, plus growth since. */
  private fileBytes = 0;
  /** File bytes that belong to the engine (standard library, installed packages), not the guest. */
  private baselineFileBytes = 0;
  private fs: EmscriptenFs | undefined;

  constructor(readonly maxBytes: number) {}

  /** Caps `WebAssembly.Memory`: growth past the budget throws, as a memory past its maximum does. */
  capWasmMemory(): void {
    const budget = this;
    const grow = WebAssembly.Memory.prototype.grow;
    Object.defineProperty(WebAssembly.Memory.prototype, 'grow', {
      configurable: false,
      writable: false,
      value: function cappedGrow(this: WebAssembly.Memory, delta: number): number {
        budget.track(this);
        if (!budget.fits(delta * PAGE)) {
          throw new RangeError(`WebAssembly.Memory.grow: the sandbox's memory limit (${Math.round(budget.maxBytes / 1048576)} MB) would be passed`);
        }
        return grow.call(this, delta);
      },
    });
  }

  /** Counts the interpreter's memory from its first byte (growth alone would miss what it starts with). */
  countEngineMemory(memory: WebAssembly.Memory): void {
    this.track(memory);
  }

  /**
   * After Pyodide has loaded: new memories count from their first byte, and modules that define a
   * memory of their own are refused (a guest could otherwise get memory no one counts).
   */
  guardNewWasm(): void {
    const budget = this;
    const wasm = WebAssembly as unknown as Record<string, unknown>;
    const Memory = WebAssembly.Memory;
    const memoryProxy = new Proxy(Memory, {
      construct(target, args: [WebAssembly.MemoryDescriptor], newTarget) {
        const initial = Number(args[0]?.initial) * PAGE;
        if (!(initial >= 0) || !budget.fits(initial)) throw new RangeError(`WebAssembly.Memory: the sandbox's memory limit (${Math.round(budget.maxBytes / 1048576)} MB) would be passed`);
        const memory = Reflect.construct(target, args, newTarget === memoryProxy ? target : newTarget) as WebAssembly.Memory;
        budget.track(memory);
        return memory;
      },
    });
    Memory.prototype.constructor = memoryProxy;
    wasm.Memory = memoryProxy;
    const refuseOwnMemory = (source: unknown): void => {
      const bytes = sourceBytes(source);
      if (!bytes) throw new TypeError('WebAssembly: expected the module as bytes');
      if (definedMemories(bytes) > 0) throw new TypeError("WebAssembly: modules with a memory of their own are not allowed in the sandbox (it would escape the memory limit); import the engine's memory instead");
    };
    const Module = WebAssembly.Module;
    const moduleProxy: typeof Module = new Proxy(Module, {
      construct(target, args: [BufferSource], newTarget): object {
        refuseOwnMemory(args[0]);
        return Reflect.construct(target, args, newTarget === moduleProxy ? target : newTarget) as object;
      },
    });
    Module.prototype.constructor = moduleProxy;
    wasm.Module = moduleProxy;
    const { compile, instantiate } = WebAssembly;
    wasm.compile = (source: BufferSource) => {
      try {
        refuseOwnMemory(source);
      } catch (error) {
        return Promise.reject(error);
      }
      return compile(source);
    };
    wasm.instantiate = (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
      if (!(source instanceof Module)) {
        try {
          refuseOwnMemory(source);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return instantiate(source as BufferSource, imports);
    };
    // Streaming variants would need the bytes first; guests use the ones above.
    delete wasm.compileStreaming;
    delete wasm.instantiateStreaming;
  }

  /**
   * Counts the in-memory file system: writes and truncations that would pass the budget fail with
   * ENOSPC. `baseline()` then marks what is there as the engine's own.
   */
  countFiles(pyodide: PyodideAPI): void {
    const FS = emscriptenFs(pyodide);
    this.fs = FS;
    const MEMFS = FS.filesystems.MEMFS;
    const ENOSPC = (pyodide.ERRNO_CODES as Record<string, number>).ENOSPC!;
    const budget = this;
    // Growth is checked before it happens (at the capacity MEMFS will allocate) and counted after,
    // from the storage the file really has.
    const grow = <T>(node: FsNode, capacity: number, op: () => T): T => {
      const before = storageBytes(node);
      if (capacity > before && !budget.fits(capacity - before)) throw new FS.ErrnoError(ENOSPC);
      const result = op();
      budget.fileBytes += storageBytes(node) - before;
      return result;
    };
    // File nodes use the operations table MEMFS built at its first use, a copy of stream_ops.
    const fileOps = MEMFS.ops_table.file.stream;
    const { write } = fileOps;
    fileOps.write = function (stream, buffer, offset, length, position, canOwn) {
      const { node } = stream;
      return grow(node, writeCapacity(storageBytes(node), position + length), () => write.call(this, stream, buffer, offset, length, position, canOwn));
    };
    const { resizeFileStorage } = MEMFS;
    MEMFS.resizeFileStorage = function (node, newSize) {
      return grow(node, newSize, () => resizeFileStorage.call(this, node, newSize));
    };
    this.baseline();
  }

  /** Marks the files there now (standard library, packages) as the engine's, not the guest's. */
  private baseline(): void {
    this.recount();
    this.baselineFileBytes = this.fileBytes;
  }

  /**
   * Runs `task` (an install) and marks the file bytes it added as the engine's. Only the growth:
   * files the guest wrote before stay counted, however often packages are installed.
   */
  async engineFiles<T>(task: () => Promise<T>): Promise<T> {
    this.recount();
    const before = this.fileBytes;
    try {
      return await task();
    } finally {
      this.recount();
      this.baselineFileBytes += Math.max(0, this.fileBytes - before);
    }
  }

  /** Bytes the guest holds against the budget now. */
  usedBytes(): number {
    let wasm = 0;
    for (const ref of this.memories) {
      const memory = ref.deref();
      if (memory) wasm += memory.buffer.byteLength;
      else this.memories.delete(ref);
    }
    return wasm + Math.max(0, this.fileBytes - this.baselineFileBytes);
  }

  /** Whether `extraBytes` more fit; near the limit, files are counted afresh (removed ones free space). */
  private fits(extraBytes: number): boolean {
    if (this.usedBytes() + extraBytes <= this.maxBytes) return true;
    this.recount();
    return this.usedBytes() + extraBytes <= this.maxBytes;
  }

  private track(memory: WebAssembly.Memory): void {
    if (this.known.has(memory)) return;
    this.known.add(memory);
    this.memories.add(new WeakRef(memory));
  }

  /** Counts the file system's bytes exactly: every file's storage, across mounts. */
  private recount(): void {
    if (!this.fs) return;
    let total = 0;
    const seen = new Set<FsNode>();
    const visit = (node: FsNode) => {
      if (seen.has(node)) return;
      seen.add(node);
      if (node.mounted) visit(node.mounted.root);
      const { contents } = node;
      if (!contents) return;
      if (this.fs!.isDir(node.mode)) for (const child of Object.values(contents as Record<string, FsNode>)) visit(child);
      else if (this.fs!.isFile(node.mode)) total += storageBytes(node);
    };
    visit(this.fs.root);
    this.fileBytes = total;
  }
}

/**
 * The capacity MEMFS gives a file that a write extends from `capacity` to `end` bytes
 * (`MEMFS.expandFileStorage`: doubling below 1 MiB, then 1.125 times, at least 256 bytes).
 */
function writeCapacity(capacity: number, end: number): number {
  if (end <= capacity) return capacity;
  if (capacity === 0) return end;
  return Math.max(end, (capacity * (capacity < 1024 * 1024 ? 2 : 1.125)) >>> 0, 256);
}

/**
 * The bytes a file's storage holds (its capacity, which can exceed its size). Any typed array:
 * a file's first write keeps a slice of the heap view it came through (an Int8Array).
 */
function storageBytes(node: FsNode): number {
  const { contents } = node;
  if (ArrayBuffer.isView(contents)) return contents.byteLength;
  return Array.isArray(contents) ? contents.length : 0;
}
