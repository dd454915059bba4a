/**
 * The playground served by `npm start`: a code box, Run and Stop, and the run's streamed output,
 * value, error, status and duration. It uses the built library exactly as an app would.
 */
import { createSandbox, type RunResult, type Sandbox } from '../dist/index.js';
import { EXAMPLES } from './examples.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const code = $<HTMLTextAreaElement>('code');
const example = $<HTMLSelectElement>('example');
const language = $<HTMLSelectElement>('language');
const timeout = $<HTMLInputElement>('timeout');
const memory = $<HTMLInputElement>('memory');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const status = $<HTMLSpanElement>('status');
const duration = $<HTMLSpanElement>('duration');
const output = $<HTMLElement>('output');

let sandbox: Sandbox | undefined;
let sandboxMemory = 0;
let controller: AbortController | undefined;

for (const name of Object.keys(EXAMPLES)) example.append(new Option(name, name));
code.value = EXAMPLES['Hello world']!;
example.addEventListener('change', () => (code.value = EXAMPLES[example.value] ?? ''));

function setStatus(text: string, kind = ''): void {
  status.textContent = text;
  status.className = `badge ${kind}`;
}

function append(kind: string, text: string, label?: string): void {
  if (label) {
    const l = document.createElement('span');
    l.className = 'label';
    l.textContent = label;
    output.append(l);
  }
  const span = document.createElement('span');
  span.className = kind;
  span.textContent = text;
  output.append(span);
}

async function ensureSandbox(): Promise<Sandbox> {
  const memoryLimitMB = Number(memory.value) || 64;
  if (sandbox && sandboxMemory === memoryLimitMB) return sandbox;
  await sandbox?.dispose();
  setStatus('starting…');
  sandbox = await createSandbox({ language: language.value as 'javascript', memoryLimitMB });
  sandboxMemory = memoryLimitMB;
  return sandbox;
}

function show(result: RunResult): void {
  if (result.text !== undefined) append('value', result.text, 'value');
  if (result.error) {
    const where = result.error.line ? ` (line ${result.error.line})` : '';
    append('error', `${result.error.name}: ${result.error.message}${where}${result.error.stack ? `\n${result.error.stack}` : ''}`, 'error');
  }
  if (result.truncated) append('label', 'output was truncated at its limit');
  if (result.stateLost) append('label', 'the engine was restarted: globals are gone');
  setStatus(result.status, result.status);
  duration.textContent = `${result.durationMs.toFixed(1)} ms`;
}

async function run(): Promise<void> {
  if (controller) return;
  output.textContent = '';
  duration.textContent = '';
  runButton.disabled = true;
  stopButton.disabled = false;
  controller = new AbortController();
  try {
    const sb = await ensureSandbox();
    setStatus('running…');
    let lastStream = '';
    const stream = (kind: 'stdout' | 'stderr') => (text: string) => {
      append(kind, text, lastStream === kind ? undefined : kind);
      lastStream = kind;
    };
    const result = await sb.run(code.value, {
      timeoutMs: Number(timeout.value) || 5000,
      signal: controller.signal,
      onStdout: stream('stdout'),
      onStderr: stream('stderr'),
    });
    show(result);
  } catch (error) {
    setStatus('failed', 'error');
    append('error', String(error), 'error');
  } finally {
    controller = undefined;
    runButton.disabled = false;
    stopButton.disabled = true;
  }
}

runButton.addEventListener('click', () => void run());
stopButton.addEventListener('click', () => controller?.abort());
code.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void run();
  }
  if (event.key === 'Tab') {
    event.preventDefault();
    code.setRangeText('  ', code.selectionStart, code.selectionEnd, 'end');
  }
});

ensureSandbox().then(
  () => setStatus('ready'),
  (error) => {
    setStatus('failed', 'error');
    append('error', String(error), 'error');
  },
);
