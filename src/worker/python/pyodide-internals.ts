/**
 * Every private part of Pyodide (and of the Emscripten runtime inside it) this worker relies on, in
 * one typed place. They were verified against {@link VERIFIED_PYODIDE_VERSION}; the build refuses
 * another version (scripts/vite-plugins.ts) until they are verified again.
 */
import type { PyodideAPI } from 'pyodide';
import { PYODIDE_VERSION } from '../../shared/pyodide-version.js';

/** The Pyodide release these internals were checked against. */
export const VERIFIED_PYODIDE_VERSION = PYODIDE_VERSION;

/** `loadPyodide` options to make a memory snapshot, or to start from one. */
export type SnapshotLoadOptions = { _makeSnapshot: true } | { _loadSnapshot: Uint8Array };

/** The interpreter's memory snapshot, after a start with `_makeSnapshot`. */
export function makeMemorySnapshot(pyodide: PyodideAPI): Uint8Array {
  return (pyodide as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
}

/** The run's deadline, read by Pyodide's signal check as the build rewrites it (scripts/pyodide-signal-check.ts). */
export interface DeadlineSlots {
  /** `performance.now()` time past which the check raises SIGINT once; 0 for none. */
  aiSandboxDeadline: number;
  /** Counts checks; the clock is read on every 16th. */
  aiSandboxTicks: number;
}

/** Pyodide's Emscripten `Module` (`pyodide._module`), which the signal check reads. */
export function deadlineSlots(pyodide: PyodideAPI): DeadlineSlots {
  return (pyodide as unknown as { _module: DeadlineSlots })._module;
}

/** The interpreter's wasm memory (Emscripten exports it as `Module.memory`). */
export function engineMemory(pyodide: PyodideAPI): WebAssembly.Memory {
  const { memory } = (pyodide as unknown as { _module: { memory?: unknown } })._module;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("Pyodide's wasm memory was not found");
  return memory;
}

/**
 * Pyodide's hook for fatal errors, such as the browser's stack running out inside the
 * interpreter. After one, the interpreter is unusable and the pending call never settles.
 */
export function onFatal(pyodide: PyodideAPI, handler: (error: unknown) => void): void {
  (pyodide as unknown as { _api: { on_fatal?: (error: unknown) => void } })._api.on_fatal = handler;
}

/** A node of Emscripten's file system, as the memory budget reads it. */
export interface FsNode {
  mode: number;
  contents?: Record<string, FsNode> | ArrayBufferView | number[] | null;
  mounted?: { root: FsNode } | null;
}

/** A MEMFS file stream's write, as Emscripten calls it. */
export type MemFsWrite = (this: unknown, stream: { node: FsNode }, buffer: Uint8Array, offset: number, length: number, position: number, canOwn?: boolean) => number;

/** The parts of Emscripten's FS and MEMFS the memory budget wraps and reads. */
export interface EmscriptenFs {
  root: FsNode;
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  ErrnoError: new (errno: number) => Error;
  filesystems: {
    MEMFS: {
      /** Built on MEMFS's first use, with copies of `stream_ops`: file nodes use this one. */
      ops_table: { file: { stream: { write: MemFsWrite } } };
      resizeFileStorage(this: unknown, node: FsNode, newSize: number): void;
    };
  };
}

/** Emscripten's file system, with the parts Pyodide's types leave out. */
export function emscriptenFs(pyodide: PyodideAPI): EmscriptenFs {
  return pyodide.FS as unknown as EmscriptenFs;
}
