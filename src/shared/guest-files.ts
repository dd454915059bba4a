/**
 * The file names QuickJS evaluates code under, shared by the worker (which names them) and the
 * guest runtime (which reads them back out of stack traces).
 */

/** The file name guest code is evaluated under; stack frames in it are the user's. */
export const USER_FILE = 'main.js';
/** The file name the sandbox's own runtime is evaluated under; its frames are hidden. */
export const RUNTIME_FILE = 'ai-sandbox-runtime.js';
