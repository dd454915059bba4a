/**
 * Turns a RunResult into the compact text a model reads back from its `run_code` tool call: the
 * status, what the program printed, its value, the error with the offending line, and notes on
 * anything the model cannot see (images, lost state), cut to a size that fits a context window.
 */
import type { RunResult, RunStatus } from '../shared/types.js';

/** Options of {@link formatRunResult}. */
export interface FormatOptions {
  /** Upper bound on the text's length, in characters (default 4000, at least 200). */
  maxChars?: number;
  /** The code that ran: lets the text quote the line an error points at. */
  code?: string;
  /**
   * How many of the run's images (in output order) go to the model beside this text, as
   * `runResultParts` attaches them; the text says so instead of "not included". Default 0.
   */
  attachedImages?: number;
}

/** What each status means, said to a model that did not see the run. */
const STATUS_NOTES: Record<RunStatus, string> = {
  ok: '',
  error: 'The code raised an error.',
  timeout: 'The run was stopped: it exceeded its time limit. Make it faster or do less work.',
  memory: 'The run was stopped: it exceeded its memory limit. Use less memory.',
  crashed: 'The engine crashed and was restarted.',
  aborted: 'The run was cancelled by the user.',
};

const MIN_CHARS = 200;
const DEFAULT_CHARS = 4000;

/** Keeps the start and the end of `text` within `max` characters, saying how much was cut. */
function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (cut: number) => `\n… [${cut} characters cut] …\n`;
  const room = Math.max(0, max - marker(text.length).length);
  const head = Math.ceil(room * 0.6);
  const tail = room - head;
  return text.slice(0, head) + marker(text.length - room) + (tail > 0 ? text.slice(-tail) : '');
}

/**
 * Shares `budget` characters among sections: each gets what it needs when it fits, and the
 * larger ones split what is left equally (so a flood of stdout cannot push out the error).
 */
function shareBudget(sizes: number[], budget: number): number[] {
  const shares = sizes.map(() => 0);
  let left = budget;
  let open = sizes.map((_, i) => i);
  while (open.length > 0) {
    const fair = Math.floor(left / open.length);
    const small = open.filter((i) => sizes[i]! <= fair);
    if (small.length === 0) {
      for (const i of open) shares[i] = fair;
      break;
    }
    for (const i of small) {
      shares[i] = sizes[i]!;
      left -= sizes[i]!;
    }
    open = open.filter((i) => !small.includes(i));
  }
  return shares;
}

/** The line an error points at, as `line 3: print(x)`. */
function errorLine(line: number | undefined, code: string | undefined): string | undefined {
  if (!line) return undefined;
  const source = code?.split('\n')[line - 1];
  return source === undefined ? `line ${line}` : `line ${line}: ${source.trim()}`;
}

/** A count of rich outputs by type, e.g. `2 × image/png, 1 × text/html`, and which ones are attached. */
function describeOutputs(result: RunResult, attached: number): string | undefined {
  if (result.outputs.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const { mime } of result.outputs) counts.set(mime, (counts.get(mime) ?? 0) + 1);
  const list = [...counts].map(([mime, n]) => `${n} × ${mime}`).join(', ');
  if (attached === 0) return `${list} (shown to the user, not included here)`;
  const rest = result.outputs.length - attached;
  return `${list} (shown to the user; ${attached === 1 ? 'the image is' : `${attached} images are`} attached${rest > 0 ? `, the other ${rest} not included` : ''})`;
}

/**
 * Formats a run's result as compact plain text for a language model:
 *
 * ```text
 * status: error (3.1 ms)
 * The code raised an error.
 * stdout:
 * loading…
 * error: NameError: name 'x' is not defined
 * at line 3: print(x)
 * traceback:
 * …
 * ```
 *
 * Sections that are empty are left out. When the whole would exceed `maxChars`, long sections lose
 * their middle (the start and the end of output are what a model needs most), and the error and
 * status are kept whole.
 */
export function formatRunResult(result: RunResult, options: FormatOptions = {}): string {
  const maxChars = Math.max(MIN_CHARS, Math.floor(options.maxChars ?? DEFAULT_CHARS));
  const head = [`status: ${result.status} (${result.durationMs.toFixed(1)} ms)`];
  if (STATUS_NOTES[result.status]) head.push(STATUS_NOTES[result.status]);
  if (result.stateLost) head.push('Note: the sandbox restarted, so variables, imports and files from earlier runs are gone.');
  if (result.truncated) head.push('Note: the output hit its size limit and was cut by the sandbox.');
  if (result.error) {
    const { name, message, line } = result.error;
    head.push(`error: ${name}: ${message}`);
    const where = errorLine(line, options.code);
    if (where) head.push(`at ${where}`);
  }
  const outputs = describeOutputs(result, options.attachedImages ?? 0);
  if (outputs) head.push(`rich outputs: ${outputs}`);

  const sections: Array<[label: string, text: string]> = [];
  if (result.stdout) sections.push(['stdout', result.stdout.replace(/\n$/, '')]);
  if (result.stderr) sections.push(['stderr', result.stderr.replace(/\n$/, '')]);
  if (result.text !== undefined) sections.push(['value', result.text]);
  if (result.error?.stack) sections.push(['traceback', result.error.stack.replace(/\n$/, '')]);

  let top = head.join('\n');
  if (top.length > maxChars / 2) top = clipMiddle(top, Math.floor(maxChars / 2));
  const labels = sections.reduce((n, [label]) => n + label.length + 3, 0);
  const budget = Math.max(0, maxChars - top.length - labels);
  const shares = shareBudget(sections.map(([, text]) => text.length), budget);
  const body = sections.map(([label, text], i) => `${label}:\n${clipMiddle(text, shares[i]!)}`);
  return [top, ...body].join('\n');
}
