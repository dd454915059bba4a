/**
 * `sandbox.fs`: the guest's file system seen from the host. Arguments are checked here; each call
 * waits its turn in the sandbox's queue, so it never interleaves with a run.
 */
import { NotSupportedError, SandboxFileError } from '../shared/errors.js';
import type { FsRequest } from '../shared/protocol.js';
import type { Language, SandboxFileSystem } from '../shared/types.js';
import type { FrameSession } from './frame-session.js';

/** What the file system needs from its sandbox. */
export interface FsHost {
  language: Language;
  /** Runs `task` in the sandbox's queue with a live session (throws DisposedError after dispose). */
  withSession<T>(task: (session: FrameSession) => Promise<T>): Promise<T>;
}

function checkPath(op: string, path: unknown): string {
  if (typeof path !== 'string') throw new TypeError(`fs.${op}: path must be a string, got ${typeof path}`);
  if (path === '' || path.includes('\0')) throw new TypeError(`fs.${op}: path must be non-empty and contain no NUL character`);
  return path;
}

/** Creates `sandbox.fs` for one sandbox. */
export function createSandboxFs(host: FsHost): SandboxFileSystem {
  const call = async (request: FsRequest) => {
    if (host.language !== 'python') {
      throw new NotSupportedError('the JavaScript sandbox has no file system; pass data in the code or use Python');
    }
    const result = await host.withSession((session) => session.fs(request));
    if (!result.ok) throw new SandboxFileError(result.errno, result.message);
    return result.data;
  };
  return {
    async writeFile(path, data) {
      const p = checkPath('writeFile', path);
      let bytes: Uint8Array;
      if (typeof data === 'string') bytes = new TextEncoder().encode(data);
      else if (data instanceof Uint8Array) bytes = data.slice(); // a copy: the buffer is transferred
      else throw new TypeError(`fs.writeFile: data must be a string or Uint8Array, got ${typeof data}`);
      await call({ op: 'writeFile', path: p, data: bytes });
    },
    async readFile(path) {
      return (await call({ op: 'readFile', path: checkPath('readFile', path) })) as Uint8Array;
    },
    async readdir(path) {
      return (await call({ op: 'readdir', path: checkPath('readdir', path) })) as string[];
    },
    async remove(path) {
      await call({ op: 'remove', path: checkPath('remove', path) });
    },
  };
}
