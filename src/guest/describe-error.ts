/**
 * Turns whatever the guest threw into a plain `RunError`: name, message, a capped stack without
 * the sandbox's own frames, and the line in the user's code.
 */
import { inspect } from './inspect.js';

/** The file name guest code is evaluated under; stack frames in it are the user's. */
export const USER_FILE = 'main.js';
/** The file name the sandbox's own runtime is evaluated under; its frames are hidden. */
export const RUNTIME_FILE = 'ai-sandbox-runtime.js';

const MAX_STACK_LINES = 40;
const MAX_STACK_CHARS = 4000;
const MAX_MESSAGE_CHARS = 4000;

function cap(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Keeps the user's and native frames, drops the runtime's, and caps length and line count. */
export function cleanStack(stack: string): string {
  const lines = stack.split('\n').filter((l) => l.trim() !== '' && !l.includes(RUNTIME_FILE));
  let kept = lines;
  if (lines.length > MAX_STACK_LINES) {
    kept = [...lines.slice(0, MAX_STACK_LINES - 1), `    ... ${lines.length - (MAX_STACK_LINES - 1)} more frames`];
  }
  return cap(kept.join('\n'), MAX_STACK_CHARS);
}

/** The first line number of the user's file in a stack, if any. */
export function userLine(stack: string): number | undefined {
  const m = new RegExp(`${USER_FILE.replace('.', '\\.')}:(\\d+)`).exec(stack);
  return m ? Number(m[1]) : undefined;
}

/** Describes a thrown value as the JSON of a `RunError`. */
export function describeError(thrown: unknown): string {
  let name = 'Error';
  let message: string;
  let stack: string | undefined;
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown && 'name' in thrown)) {
    const e = thrown as Error;
    name = typeof e.name === 'string' && e.name ? e.name : 'Error';
    message = typeof e.message === 'string' ? e.message : String(e.message);
    stack = typeof e.stack === 'string' ? e.stack : undefined;
  } else {
    // `throw "text"` or `throw 42`: the value itself is the message, as Node prints it.
    message = typeof thrown === 'string' ? thrown : inspect(thrown);
  }
  const error: { name: string; message: string; stack?: string; line?: number } = {
    name: cap(name, 200),
    message: cap(message, MAX_MESSAGE_CHARS),
  };
  if (stack !== undefined) {
    const line = userLine(stack);
    if (line !== undefined) error.line = line;
    const cleaned = cleanStack(stack);
    if (cleaned) error.stack = cleaned;
  }
  return JSON.stringify(error);
}
