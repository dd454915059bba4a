/**
 * The playground served by `npm start`: a code box, Run and Stop, and the run's streamed output,
 * value, error, status and duration. It uses the built library exactly as an app would.
 */
import { createSandbox, type Language, type RunResult, type Sandbox } from '../dist/index.js';
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
const progress = $<HTMLProgressElement>('progress');

let sandbox: Sandbox | undefined;
let sandboxKey = '';
let controller: AbortController | undefined;

const currentLanguage = () => language.value as Language;

function showExamples(): void {
  example.replaceChildren(...Object.keys(EXAMPLES[currentLanguage()]).map((name) => new Option(name, name)));
  code.value = EXAMPLES[currentLanguage()]['Hello world']!;
}
showExamples();
example.addEventListener('change', () => (code.value = EXAMPLES[currentLanguage()][example.value] ?? ''));
language.addEventListener('change', () => {
  memory.value = currentLanguage() === 'python' ? '512' : '64';
  showExamples();
  void ensureSandbox().then(() => setStatus('ready'), showStartError);
});

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
  const lang = currentLanguage();
  const memoryLimitMB = Number(memory.value) || (lang === 'python' ? 512 : 64);
  const key = `${lang}:${memoryLimitMB}`;
  if (sandbox && sandboxKey === key) return sandbox;
  await sandbox?.dispose();
  sandbox = undefined;
  setStatus(lang === 'python' ? 'loading Python…' : 'starting…');
  progress.hidden = false;
  progress.removeAttribute('value');
  try {
    sandbox = await createSandbox({
      language: lang,
      memoryLimitMB,
      onProgress: (e) => {
        if (e.phase === 'download' && e.total) progress.value = e.loaded! / e.total;
        else if (e.phase !== 'download') progress.removeAttribute('value');
      },
    });
  } finally {
    progress.hidden = true;
  }
  sandboxKey = key;
  return sandbox;
}

function showStartError(error: unknown): void {
  setStatus('failed', 'error');
  append('error', String(error), 'error');
}

/** Rich outputs: images inline; HTML and SVG markup only inside a sandboxed frame of their own. */
function showOutput(mime: string, data: string): void {
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = mime;
  output.append(label);
  if (mime === 'image/png' || mime === 'image/jpeg') {
    const img = document.createElement('img');
    img.src = `data:${mime};base64,${data}`;
    img.alt = 'output image';
    output.append(img);
  } else if (mime === 'text/html' || mime === 'image/svg+xml') {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', '');
    frame.className = 'rich';
    frame.srcdoc = data;
    output.append(frame);
  } else {
    append('value', data);
  }
}

function show(result: RunResult): void {
  for (const item of result.outputs) showOutput(item.mime, item.data);
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

ensureSandbox().then(() => setStatus('ready'), showStartError);
