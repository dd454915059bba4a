/**
 * The chat demo: a live chat with a model the visitor names (live-chat.ts), and a scripted
 * conversation rendered the way a chat app would, every fenced code block with a Run button and
 * its result inline, the assistant's `run_code` tool call run through `ai-sandbox/tool`, showing
 * the text that would go back to the model.
 */
import { javascriptLanguage } from '@codemirror/lang-javascript';
import { pythonLanguage } from '@codemirror/lang-python';
import { classHighlighter, highlightCode } from '@lezer/highlight';
import { createSandbox, type Language, type RunResult, type Sandbox } from '../dist/index.js';
import { createRunCodeTool, forOpenAI } from '../dist/tool.js';
import { CONVERSATION, type Turn } from './conversation.js';
import { ensureIsolation, showMode } from './isolation.js';
import { setUpLiveChat } from './live-chat.js';
import { bindPackagesOptIn, packageOptions } from './package-opt-in.js';
import { el } from './element.js';
import { OutputView } from './output-view.js';
import { setUpTheme } from './theme.js';

setUpTheme(document.getElementById('theme') as HTMLButtonElement);

/** One sandbox per language for the whole conversation, so later blocks see earlier variables. */
const sandboxes = new Map<Language, Promise<Sandbox>>();
function sandboxFor(language: Language): Promise<Sandbox> {
  let sandbox = sandboxes.get(language);
  if (!sandbox) {
    sandbox = createSandbox({ language, timeoutMs: 10_000, ...(language === 'python' && { snapshot: 'persistent' as const, ...packageOptions() }) });
    sandbox.catch(() => sandboxes.delete(language));
    sandboxes.set(language, sandbox);
  }
  return sandbox;
}

// A change applies to the next Python sandbox: the current one is let go (its state with it).
bindPackagesOptIn(document.getElementById('cdn-packages') as HTMLInputElement, () => {
  void sandboxes.get('python')?.then((s) => s.dispose(), () => {});
  sandboxes.delete('python');
});

const runCode = createRunCodeTool({
  sandboxes: { python: () => sandboxFor('python'), javascript: () => sandboxFor('javascript') },
  timeoutMs: 10_000,
});
document.getElementById('definition')!.textContent = JSON.stringify([forOpenAI(runCode.definition)], null, 2);

/** A paragraph with `inline code` spans, built from text nodes only (never parsed as HTML). */
function paragraph(text: string): HTMLParagraphElement {
  const p = el('p');
  text.split(/`([^`]+)`/).forEach((part, i) => p.append(i % 2 ? el('code', '', part) : part));
  return p;
}

/** Code with syntax highlighting (the editor's parsers, `tok-*` classes styled in site.css). */
function highlighted(language: Language | undefined, code: string): HTMLPreElement {
  const pre = el('pre', 'source');
  if (!language) {
    pre.textContent = code;
    return pre;
  }
  const { parser } = language === 'python' ? pythonLanguage : javascriptLanguage;
  highlightCode(
    code,
    parser.parse(code),
    classHighlighter,
    (text, classes) => pre.append(classes ? el('span', classes, text) : text),
    () => pre.append('\n'),
  );
  return pre;
}

const LANGUAGE_NAMES: Record<Language, string> = { python: 'Python', javascript: 'JavaScript' };
const FENCE_LANGUAGES: Record<string, Language> = { python: 'python', py: 'python', javascript: 'javascript', js: 'javascript' };

/** Runs `code` and shows it in `view`, with the status in `badge`. */
async function runInto(view: OutputView, badge: HTMLElement, run: (onStdout: (t: string) => void, onStderr: (t: string) => void) => Promise<RunResult | undefined>): Promise<void> {
  view.clear();
  badge.textContent = 'running…';
  badge.className = 'badge running';
  try {
    const result = await run((t) => view.stream('stdout', t), (t) => view.stream('stderr', t));
    if (result) {
      view.result(result);
      badge.textContent = `${result.status} · ${result.durationMs.toFixed(0)} ms`;
      badge.className = `badge ${result.status}`;
    }
  } catch (error) {
    view.note(String(error), 'error');
    badge.textContent = 'failed';
    badge.className = 'badge error';
  }
}

/** A fenced code block with a Run button and its result below it. */
function codeBlock(language: Language | undefined, code: string): HTMLElement {
  const block = el('div', 'code-block');
  const head = el('div', 'code-head');
  const badge = el('span', 'badge');
  const output = el('div', 'output');
  output.dataset.testid = 'block-output';
  const result = el('div', 'result');
  result.append(output);
  const view = new OutputView(output);
  head.append(el('span', '', language ? LANGUAGE_NAMES[language] : 'code'));
  if (language) {
    const button = el('button', '', 'Run');
    button.type = 'button';
    button.dataset.testid = 'run-block';
    button.addEventListener('click', async () => {
      button.disabled = true;
      await runInto(view, badge, async (onStdout, onStderr) => (await sandboxFor(language)).run(code, { onStdout, onStderr }));
      button.disabled = false;
    });
    const right = el('span');
    right.style.cssText = 'display:flex;gap:.5rem;align-items:center';
    right.append(badge, button);
    head.append(right);
  }
  block.append(head, highlighted(language, code), result);
  return block;
}

/** Text with fenced code blocks: paragraphs and runnable blocks. */
function richText(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  let at = 0;
  for (const match of text.matchAll(fence)) {
    for (const para of text.slice(at, match.index).split(/\n\s*\n/)) if (para.trim()) out.append(paragraph(para.trim()));
    out.append(codeBlock(FENCE_LANGUAGES[match[1]!.toLowerCase()], match[2]!.replace(/\n$/, '')));
    at = match.index! + match[0].length;
  }
  for (const para of text.slice(at).split(/\n\s*\n/)) if (para.trim()) out.append(paragraph(para.trim()));
  return out;
}

/** The assistant's tool call: its arguments, a Run button, what the app shows and what the model gets. */
function toolCall(turn: Extract<Turn, { toolCall: unknown }>): DocumentFragment {
  const out = document.createDocumentFragment();
  out.append(paragraph(turn.intro));
  const box = el('div', 'tool-call code-block');
  const head = el('div', 'code-head');
  const badge = el('span', 'badge');
  const button = el('button', '', 'Run tool call');
  button.type = 'button';
  button.dataset.testid = 'run-tool-call';
  const right = el('span');
  right.style.cssText = 'display:flex;gap:.5rem;align-items:center';
  right.append(badge, button);
  head.append(el('span', '', `tool call · ${runCode.definition.name} · ${turn.toolCall.id}`), right);
  const body = el('div', 'result');
  body.append(el('div', 'kind', 'arguments from the model'), el('pre', '', JSON.stringify(turn.toolCall.arguments, null, 2)));
  const output = el('div', 'output');
  const sent = el('pre');
  sent.dataset.testid = 'tool-result';
  const sentLabel = el('div', 'kind', 'tool result sent back to the model');
  sentLabel.hidden = sent.hidden = true;
  body.append(output, sentLabel, sent);
  const view = new OutputView(output);
  button.addEventListener('click', async () => {
    button.disabled = true;
    await runInto(view, badge, async (onStdout, onStderr) => {
      const outcome = await runCode.call(JSON.stringify(turn.toolCall.arguments), { onStdout, onStderr });
      sent.textContent = outcome.text;
      sentLabel.hidden = sent.hidden = false;
      return outcome.result;
    });
    button.disabled = false;
  });
  box.append(head, body);
  out.append(box);
  return out;
}

function message(turn: Turn): HTMLElement {
  const node = el('article', `message ${turn.role}`);
  node.dataset.testid = `message-${turn.role}`;
  const bubble = el('div', 'bubble');
  bubble.append('toolCall' in turn ? toolCall(turn) : richText(turn.text));
  node.append(el('div', 'avatar', turn.role === 'user' ? 'You' : 'AI'), bubble);
  return node;
}

const live = document.querySelector<HTMLElement>('section.live')!;
const settings = live.querySelector<HTMLFormElement>('form.live-settings')!;
const composer = live.querySelector<HTMLFormElement>('form.composer')!;
setUpLiveChat({
  fields: {
    provider: settings.elements.namedItem('provider') as HTMLSelectElement,
    endpoint: settings.elements.namedItem('endpoint') as HTMLInputElement,
    model: settings.elements.namedItem('model') as HTMLInputElement,
    key: settings.elements.namedItem('key') as HTMLInputElement,
  },
  log: live.querySelector<HTMLElement>('.chat')!,
  composer,
  message: composer.elements.namedItem('message') as HTMLTextAreaElement,
  stop: live.querySelector<HTMLButtonElement>('[data-testid="live-stop"]')!,
  runCode,
  renderText: richText,
});

showMode(document.getElementById('mode')!, await ensureIsolation());
document.getElementById('chat')!.append(...CONVERSATION.map(message));
