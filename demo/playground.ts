/**
 * The playground (`npm start`, and the built site's start page): a CodeMirror editor, Run and
 * Stop, streamed output, rich outputs, files in and out, an event log and shareable links. It
 * uses the built library exactly as an app would.
 */
import { createSandbox, type Language, type RunResult, type Sandbox, type SandboxEvent } from '../dist/index.js';
import { CodeEditor } from './editor.js';
import { EXAMPLES, exampleCode, FIRST_EXAMPLE } from './examples.js';
import { bindPackagesOptIn, packageOptions, packagesOptedIn } from './package-opt-in.js';
import { ensureIsolation, showMode } from './isolation.js';
import { OutputView } from './output-view.js';
import { fromHash, toHash } from './share-link.js';
import { setUpTheme } from './theme.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  languageButtons: [...document.querySelectorAll<HTMLButtonElement>('[data-language]')],
  example: $<HTMLSelectElement>('example'),
  cdnPackages: $<HTMLInputElement>('cdn-packages'),
  timeout: $<HTMLInputElement>('timeout'),
  memory: $<HTMLInputElement>('memory'),
  share: $<HTMLButtonElement>('share'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  status: $('status'),
  duration: $('duration'),
  progress: $<HTMLProgressElement>('progress'),
  progressLabel: $('progress-label'),
  mode: $('mode'),
  files: $('files'),
  fileList: $<HTMLUListElement>('file-list'),
  upload: $<HTMLInputElement>('upload'),
  events: $<HTMLOListElement>('events'),
};

const DEFAULT_MEMORY_MB: Record<Language, number> = { javascript: 64, python: 512 };

let language: Language = 'javascript';
const editor = new CodeEditor($('editor'), { onRun: () => void run(), onChange: () => scheduleLinkUpdate(), dark: false });
setUpTheme($<HTMLButtonElement>('theme'), (theme) => editor.setDark(theme === 'dark'));
const output = new OutputView($('output'), (line) => {
  editor.markErrorLine(line);
  editor.focus();
});

// ---------------------------------------------------------------- sandboxes, one per language

interface Held {
  sandbox: Promise<Sandbox>;
  memoryLimitMB: number;
  /** Started with the CDN packages opt-in (Python). */
  withPackages: boolean;
}
const sandboxes = new Map<Language, Held>();
let controller: AbortController | undefined;

function setStatus(text: string, kind = ''): void {
  ui.status.textContent = text;
  ui.status.className = `badge ${kind}`;
}

function showProgress(text: string | undefined, fraction?: number): void {
  ui.progress.hidden = text === undefined;
  ui.progressLabel.textContent = text ?? '';
  if (fraction === undefined) ui.progress.removeAttribute('value');
  else ui.progress.value = fraction;
}

const megabytes = (n: number) => (n / 1048576).toFixed(1);

function logEvent(lang: Language, event: SandboxEvent): void {
  const { type, time, ...details } = event;
  const item = document.createElement('li');
  const when = new Date(time).toLocaleTimeString([], { hour12: false });
  const extra = Object.entries(details)
    .filter(([key]) => key !== 'language')
    .map(([key, value]) => `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : String(value)}`)
    .join(' ');
  item.innerHTML = '<time></time> <b></b> <span></span>';
  item.children[0]!.textContent = when;
  item.children[1]!.textContent = `${lang} ${type}`;
  item.children[2]!.textContent = extra;
  ui.events.prepend(item);
  while (ui.events.children.length > 200) ui.events.lastElementChild!.remove();
}

/** The sandbox for the current language and memory limit, started if need be. */
function currentSandbox(): Promise<Sandbox> {
  const lang = language;
  const memoryLimitMB = Number(ui.memory.value) || DEFAULT_MEMORY_MB[lang];
  const withPackages = lang === 'python' && packagesOptedIn();
  const held = sandboxes.get(lang);
  if (held && held.memoryLimitMB === memoryLimitMB && held.withPackages === withPackages) return held.sandbox;
  if (held) void held.sandbox.then((s) => s.dispose(), () => {});
  setStatus(lang === 'python' ? 'loading Python…' : 'starting…');
  showProgress(lang === 'python' ? 'Downloading Python' : 'Starting', 0);
  const sandbox = createSandbox({
    language: lang,
    memoryLimitMB,
    // Later Python starts (restarts, the next visit) restore a memory snapshot: about 1 s, not 4.
    ...(lang === 'python' && { snapshot: 'persistent' as const, ...packageOptions() }),
    onEvent: (event) => logEvent(lang, event),
    onProgress: (e) => {
      if (e.phase === 'download') showProgress(`Downloading ${lang === 'python' ? 'Python' : 'QuickJS'} ${megabytes(e.loaded ?? 0)}${e.total ? ` of ${megabytes(e.total)}` : ''} MB`, e.total ? (e.loaded ?? 0) / e.total : undefined);
      else if (e.phase === 'start') showProgress('Starting the interpreter');
      else if (e.phase === 'packages') showProgress(`Loading packages${e.total ? ` (${e.loaded ?? 0} of ${e.total})` : ''}`, e.total ? (e.loaded ?? 0) / e.total : undefined);
      else if (e.phase === 'ready') showProgress(undefined);
    },
  });
  sandboxes.set(lang, { sandbox, memoryLimitMB, withPackages });
  sandbox
    .catch((error) => {
      sandboxes.delete(lang);
      if (language === lang) {
        setStatus('failed', 'error');
        output.note(String(error), 'error');
      }
    })
    .finally(() => language === lang && showProgress(undefined));
  return sandbox;
}

/** Gets the current language's sandbox ready and says so. */
function prepare(): void {
  const lang = language;
  currentSandbox().then(() => {
    if (language !== lang || controller) return;
    setStatus('ready', 'ready');
    void refreshFiles();
  }, () => {});
}

// ---------------------------------------------------------------- language, examples, links

function setLanguage(lang: Language, code?: string): void {
  language = lang;
  for (const button of ui.languageButtons) button.setAttribute('aria-pressed', String(button.dataset.language === lang));
  editor.setLanguage(lang);
  ui.memory.value = String(sandboxes.get(lang)?.memoryLimitMB ?? DEFAULT_MEMORY_MB[lang]);
  ui.example.replaceChildren(new Option('Examples…', ''), ...Object.keys(EXAMPLES[lang]).map((name) => new Option(name, name)));
  editor.setCode(code ?? EXAMPLES[lang][FIRST_EXAMPLE]!);
  ui.files.hidden = lang !== 'python';
  ui.cdnPackages.parentElement!.hidden = lang !== 'python';
  prepare();
}

let linkTimer: ReturnType<typeof setTimeout> | undefined;
/** Keeps the page's URL a link to what is in the editor. */
function scheduleLinkUpdate(): void {
  clearTimeout(linkTimer);
  linkTimer = setTimeout(() => history.replaceState(null, '', toHash({ language, code: editor.code })), 300);
}

function loadFromHash(): boolean {
  const shared = fromHash(location.hash);
  if (shared) setLanguage(shared.language, shared.code);
  return shared !== undefined;
}

for (const button of ui.languageButtons) {
  button.addEventListener('click', () => {
    if (button.dataset.language !== language) {
      setLanguage(button.dataset.language as Language);
      scheduleLinkUpdate();
    }
  });
}
ui.example.addEventListener('change', () => {
  const code = exampleCode(language, ui.example.value, packagesOptedIn());
  if (code !== undefined) editor.setCode(code);
  ui.example.value = '';
});
ui.memory.addEventListener('change', prepare);
bindPackagesOptIn(ui.cdnPackages, () => language === 'python' && prepare());
ui.share.addEventListener('click', async () => {
  clearTimeout(linkTimer);
  history.replaceState(null, '', toHash({ language, code: editor.code }));
  try {
    await navigator.clipboard.writeText(location.href);
    ui.share.textContent = 'Link copied';
  } catch {
    ui.share.textContent = 'Link in address bar';
  }
  setTimeout(() => (ui.share.textContent = 'Share'), 2000);
});
window.addEventListener('hashchange', () => {
  if (fromHash(location.hash)?.code !== editor.code) loadFromHash();
});

// ---------------------------------------------------------------- files (Python)

async function refreshFiles(): Promise<void> {
  if (language !== 'python') return;
  const sandbox = await sandboxes.get('python')?.sandbox.catch(() => undefined);
  if (!sandbox) return;
  const names = await sandbox.fs.readdir('.').catch(() => [] as string[]);
  ui.fileList.replaceChildren(
    ...names.map((name) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = name;
      button.title = `Download ${name}`;
      button.addEventListener('click', async () => {
        const bytes = await sandbox.fs.readFile(name);
        const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
        const a = Object.assign(document.createElement('a'), { href: url, download: name });
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      });
      item.append(button);
      return item;
    }),
  );
  if (names.length === 0) ui.fileList.innerHTML = '<li class="muted">No files yet</li>';
}

ui.upload.addEventListener('change', async () => {
  const sandbox = await sandboxes.get('python')?.sandbox;
  if (!sandbox) return;
  for (const file of ui.upload.files ?? []) await sandbox.fs.writeFile(file.name, new Uint8Array(await file.arrayBuffer()));
  ui.upload.value = '';
  await refreshFiles();
});

// ---------------------------------------------------------------- running

function showResult(result: RunResult): void {
  output.result(result);
  setStatus(result.status, result.status);
  ui.duration.textContent = `${result.durationMs.toFixed(1)} ms`;
  if (result.error?.line) editor.markErrorLine(result.error.line);
}

async function run(): Promise<void> {
  if (controller) return;
  controller = new AbortController();
  output.clear();
  editor.markErrorLine(null);
  ui.duration.textContent = '';
  ui.run.disabled = true;
  ui.stop.disabled = false;
  try {
    const sandbox = await currentSandbox();
    setStatus('running…', 'running');
    const result = await sandbox.run(editor.code, {
      timeoutMs: Number(ui.timeout.value) || 5000,
      signal: controller.signal,
      onStdout: (text) => output.stream('stdout', text),
      onStderr: (text) => output.stream('stderr', text),
    });
    showResult(result);
    await refreshFiles();
  } catch (error) {
    setStatus('failed', 'error');
    output.note(String(error), 'error');
  } finally {
    controller = undefined;
    ui.run.disabled = false;
    ui.stop.disabled = true;
  }
}

ui.run.addEventListener('click', () => void run());
ui.stop.addEventListener('click', () => controller?.abort());

// ---------------------------------------------------------------- start

showMode(ui.mode, await ensureIsolation());
ui.run.disabled = false;
if (!loadFromHash()) setLanguage('javascript');
