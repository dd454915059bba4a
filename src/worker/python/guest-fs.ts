/**
 * The host's view of the guest's file system: Emscripten's in-memory FS inside Pyodide. Every path
 * is resolved inside the guest's home folder and must stay there, and no operation ever follows a
 * symbolic link: the guest shapes this tree, and a link it planted (`out` → `/lib`) must not turn
 * a host's `remove('out')` into the removal of the interpreter's own files. Errors come back as
 * POSIX names, never thrown.
 */
import type { PyodideAPI } from 'pyodide';
import type { FsRequest, FsResult } from '../../shared/protocol.js';

/** The guest's home and working directory; host file operations never leave it. */
export const HOME = '/home/user';

type FS = PyodideAPI['FS'];

/** A refusal with its POSIX name. */
class FsRefusal extends Error {
  constructor(
    readonly errno: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The path's components below {@link HOME}: relative paths start there, absolute ones must lie
 * inside it, and `..` may not climb out of it. Throws {@link FsRefusal} otherwise.
 */
export function homeParts(path: string): string[] {
  const parts: string[] = [];
  let rest = path;
  if (path.startsWith('/')) {
    if (path !== HOME && !path.startsWith(`${HOME}/`)) throw new FsRefusal('EACCES', `outside ${HOME}, the only folder the host can reach`);
    rest = path.slice(HOME.length);
  }
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new FsRefusal('EACCES', `climbs out of ${HOME}, the only folder the host can reach`);
      parts.pop();
    } else parts.push(part);
  }
  return parts;
}

/** The stat of `path` without following a link, or undefined when it does not exist. */
function lstatOrNothing(fs: FS, path: string): { mode: number } | undefined {
  try {
    return fs.lstat(path);
  } catch {
    return undefined;
  }
}

/**
 * Walks `parts` from HOME, refusing any component that is a symbolic link. With `create`, missing
 * folders are made. Returns the absolute path.
 */
function walk(fs: FS, parts: string[], options: { create?: boolean; through: number } = { through: parts.length }): string {
  let path = HOME;
  for (let i = 0; i < options.through; i++) {
    path += `/${parts[i]}`;
    const stat = lstatOrNothing(fs, path);
    if (!stat) {
      if (!options.create) continue;
      fs.mkdir(path);
    } else if (fs.isLink(stat.mode)) {
      throw new FsRefusal('ELOOP', `${path} is a symbolic link: the host never follows links in the guest's files`);
    } else if (i < parts.length - 1 && !fs.isDir(stat.mode)) {
      throw new FsRefusal('ENOTDIR', `${path} is not a folder`);
    }
  }
  return parts.slice(options.through).reduce((p, part) => `${p}/${part}`, path);
}

/** Removes a file, a link (never what it points to), or a folder and everything in it. */
function removeTree(fs: FS, path: string): void {
  const stat = fs.lstat(path);
  if (fs.isLink(stat.mode) || !fs.isDir(stat.mode)) {
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
  // Messages name the path as the guest sees it, when it resolves.
  let shown = request.path;
  try {
    const parts = homeParts(request.path);
    shown = [HOME, ...parts].join('/');
    switch (request.op) {
      case 'writeFile': {
        if (parts.length === 0) throw new FsRefusal('EISDIR', 'is a folder');
        const path = walk(fs, parts, { create: true, through: parts.length - 1 });
        const existing = lstatOrNothing(fs, path);
        if (existing && fs.isLink(existing.mode)) throw new FsRefusal('ELOOP', "a symbolic link: the host never follows links in the guest's files");
        fs.writeFile(path, request.data);
        return { ok: true };
      }
      case 'readFile': {
        const path = walk(fs, parts);
        if (fs.isDir(fs.lstat(path).mode)) throw new FsRefusal('EISDIR', 'is a folder');
        return { ok: true, data: fs.readFile(path) as Uint8Array };
      }
      case 'readdir': {
        const path = walk(fs, parts);
        return { ok: true, data: (fs.readdir(path) as string[]).filter((n) => n !== '.' && n !== '..').sort() };
      }
      case 'remove': {
        if (parts.length === 0) throw new FsRefusal('EPERM', 'the home folder cannot be removed');
        const path = walk(fs, parts, { through: parts.length - 1 });
        removeTree(fs, path);
        return { ok: true };
      }
    }
  } catch (error) {
    if (error instanceof FsRefusal) return { ok: false, errno: error.errno, message: `${request.op} ${shown}: ${error.message}` };
    const errno = (error as { errno?: number }).errno;
    const name = Object.entries(pyodide.ERRNO_CODES as Record<string, number>).find(([, n]) => n === errno)?.[0] ?? 'EIO';
    const reason: Record<string, string> = { ENOENT: 'no such file or folder', ENOTDIR: 'a part of the path is not a folder', EISDIR: 'is a folder', EEXIST: 'already exists', ENOSPC: "the sandbox's memory limit is reached (files count toward it)" };
    return { ok: false, errno: name, message: `${request.op} ${shown}: ${reason[name] ?? name}` };
  }
}
