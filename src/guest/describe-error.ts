/**
 * Turns whatever the guest threw into a plain `RunError`: name, message, a capped stack without
 * the sandbox's own frames, and the line in the user's code.
 */
import { inspect } from './inspect.js';
import { RUNTIME_FILE, USER_FILE } from '../shared/guest-files.js';

export { RUNTIME_FILE, USER_FILE };

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

/** A thrown value described for the worker: every key an own data property, as in `RunError`. */
export interface DescribedError {
  name: string;
  message: string;
  stack: string | undefined;
  line: number | undefined;
}

const { getOwnPropertyDescriptor, getPrototypeOf } = Object;

/** A data property of `o` or its prototypes, never read through a getter (guest code). */
function dataField(o: object, key: string): unknown {
  for (let p: object | null = o; p !== null; p = getPrototypeOf(p)) {
    const d = getOwnPropertyDescriptor(p, key);
    if (d) return 'value' in d ? d.value : undefined;
  }
  return undefined;
}

/** Describes a thrown value: name, message, a cleaned stack and the user's line. Runs no guest getter. */
export function describeError(thrown: unknown): DescribedError {
  const error: DescribedError = { name: 'Error', message: '', stack: undefined, line: undefined };
  let stack: unknown;
  if (typeof thrown === 'object' && thrown !== null && (dataField(thrown, 'message') !== undefined || dataField(thrown, 'name') !== undefined)) {
    const name = dataField(thrown, 'name');
    const message = dataField(thrown, 'message');
    if (typeof name === 'string' && name) error.name = cap(name, 200);
    error.message = cap(typeof message === 'string' ? message : message === undefined ? '' : inspect(message), MAX_MESSAGE_CHARS);
    stack = dataField(thrown, 'stack');
  } else {
    // `throw "text"` or `throw 42`: the value itself is the message, as Node prints it.
    error.message = cap(typeof thrown === 'string' ? thrown : inspect(thrown), MAX_MESSAGE_CHARS);
  }
  if (typeof stack === 'string') {
    error.line = userLine(stack);
    const cleaned = cleanStack(stack);
    if (cleaned) error.stack = cleaned;
  }
  return error;
}
