/**
 * The host's view of the guest's file system: Emscripten's in-memory FS inside Pyodide. Paths are
 * resolved against the guest's home folder; errors come back as POSIX names, never thrown.
 */
import type { PyodideAPI } from 'pyodide';
import type { FsRequest, FsResult } from '../../shared/protocol.js';

/** The guest's home and working directory. */
export const HOME = '/home/user';

/** An absolute, normalized path; relative paths start at {@link HOME}. */
export function resolveGuestPath(path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${HOME}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

type FS = PyodideAPI['FS'];

function removeTree(fs: FS, path: string): void {
  const stat = fs.stat(path);
  if (!fs.isDir(stat.mode)) {
    fs.unlink(path);
    return;
  }
  for (const name of fs.readdir(path)) {
    if (name !== '.' && name !== '..') removeTree(fs, `${path}/${name}`);
  }
  fs.rmdir(path);
}

/** Runs one file operation on Pyodide's FS. */
export function guestFs(pyodide: PyodideAPI, request: FsRequest): FsResult {
  const fs = pyodide.FS;
  const path = resolveGuestPath(request.path);
  try {
    switch (request.op) {
      case 'writeFile': {
        const parent = path.slice(0, path.lastIndexOf('/')) || '/';
        fs.mkdirTree(parent);
        fs.writeFile(path, request.data);
        return { ok: true };
      }
      case 'readFile': {
        if (fs.isDir(fs.stat(path).mode)) return { ok: false, errno: 'EISDIR', message: `${path} is a folder` };
        return { ok: true, data: fs.readFile(path) as Uint8Array };
      }
      case 'readdir':
        return { ok: true, data: (fs.readdir(path) as string[]).filter((n) => n !== '.' && n !== '..').sort() };
      case 'remove':
        if (path === '/' || path === HOME) return { ok: false, errno: 'EPERM', message: `${path} cannot be removed` };
        removeTree(fs, path);
        return { ok: true };
    }
  } catch (error) {
    const errno = (error as { errno?: number }).errno;
    const name = Object.entries(pyodide.ERRNO_CODES as Record<string, number>).find(([, n]) => n === errno)?.[0] ?? 'EIO';
    const reason: Record<string, string> = { ENOENT: 'no such file or folder', ENOTDIR: 'a part of the path is not a folder', EISDIR: 'is a folder', EEXIST: 'already exists' };
    return { ok: false, errno: name, message: `${request.op} ${path}: ${reason[name] ?? name}` };
  }
}
