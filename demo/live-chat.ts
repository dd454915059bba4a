/**
 * The chat demo's live mode: the visitor names an endpoint (OpenAI-compatible Chat Completions or
 * Anthropic Messages), a model and their own key, and chats; the model's `run_code` calls run in
 * this page's sandboxes with their output live, images shown inline and sent back to the model.
 * The settings live in this tab's sessionStorage only; the key goes nowhere but that endpoint.
 */
import type { RunCodeOutcome, RunCodeTool } from '../dist/tool.js';
import { DEFAULT_ENDPOINTS, ModelConversation, type ModelSettings, type Provider, type ToolCallRequest } from './model-client.js';
import { el } from './element.js';
import { OutputView } from './output-view.js';

/** The most model turns one message may take (each tool round is one). */
const MAX_STEPS = 8;
const STORAGE_PREFIX = 'ai-sandbox-chat:';
const FIELDS = ['provider', 'endpoint', 'model', 'key'] as const;

/** What the live chat needs from the page. */
export interface LiveChatParts {
  /** The form's fields, the conversation log, the composer and its buttons. */
  fields: Record<(typeof FIELDS)[number], HTMLInputElement | HTMLSelectElement>;
  log: HTMLElement;
  composer: HTMLFormElement;
  message: HTMLTextAreaElement;
  stop: HTMLButtonElement;
  runCode: RunCodeTool;
  /** Renders an assistant's text (paragraphs and runnable code blocks). */
  renderText(text: string): DocumentFragment;
}

/** A message bubble in the log, returned for filling. */
function bubble(log: HTMLElement, role: 'user' | 'assistant'): HTMLElement {
  const node = el('article', `message ${role}`);
  node.dataset.testid = `live-${role}`;
  const inner = el('div', 'bubble');
  node.append(el('div', 'avatar', role === 'user' ? 'You' : 'AI'), inner);
  log.append(node);
  return inner;
}

/** Wires the live chat up. */
export function setUpLiveChat(parts: LiveChatParts): void {
  const { fields, log, composer, message, stop, runCode } = parts;
  const send = composer.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  for (const name of FIELDS) {
    const saved = sessionStorage.getItem(STORAGE_PREFIX + name);
    if (saved !== null) fields[name].value = saved;
    fields[name].addEventListener('change', () => sessionStorage.setItem(STORAGE_PREFIX + name, fields[name].value));
  }
  const provider = fields.provider as HTMLSelectElement;
  const endpointFor = (p: string) => DEFAULT_ENDPOINTS[p as Provider];
  if (!fields.endpoint.value) fields.endpoint.value = endpointFor(provider.value);
  provider.addEventListener('change', () => {
    // A default endpoint follows the API; one the visitor typed stays.
    if (Object.values(DEFAULT_ENDPOINTS).includes(fields.endpoint.value) || !fields.endpoint.value) {
      fields.endpoint.value = endpointFor(provider.value);
      sessionStorage.setItem(STORAGE_PREFIX + 'endpoint', fields.endpoint.value);
    }
  });

  let conversation: ModelConversation | undefined;
  let conversationKey = '';
  let running: AbortController | undefined;
  stop.disabled = true;
  stop.addEventListener('click', () => running?.abort());

  /** Runs one tool call in view, returning what goes back to the model. */
  async function runToolCall(call: ToolCallRequest, into: HTMLElement, signal: AbortSignal): Promise<RunCodeOutcome> {
    const box = el('div', 'tool-call code-block');
    box.dataset.testid = 'live-tool-call';
    const badge = el('span', 'badge running', 'running…');
    const head = el('div', 'code-head');
    head.append(el('span', '', `tool call · ${call.name} · ${call.id}`), badge);
    const body = el('div', 'result');
    const args = el('pre', '', call.arguments);
    const output = el('div', 'output');
    const sent = el('pre');
    sent.dataset.testid = 'live-tool-result';
    body.append(el('div', 'kind', 'arguments from the model'), args, output, el('div', 'kind', 'tool result sent back to the model'), sent);
    box.append(head, body);
    into.append(box);
    const view = new OutputView(output);
    let outcome: RunCodeOutcome;
    if (call.name !== runCode.definition.name) {
      const text = `status: unknown tool\nThere is no tool named ${JSON.stringify(call.name)}; use ${runCode.definition.name}.`;
      outcome = { text, parts: [{ type: 'text', text }], isError: true };
    } else {
      outcome = await runCode.call(call.arguments, { signal, onStdout: (t) => view.stream('stdout', t), onStderr: (t) => view.stream('stderr', t) });
    }
    if (outcome.result) view.result(outcome.result);
    const status = outcome.result?.status ?? 'error';
    badge.textContent = outcome.result ? `${status} · ${outcome.result.durationMs.toFixed(0)} ms` : 'invalid call';
    badge.className = `badge ${status}`;
    const images = outcome.parts.length - 1;
    sent.textContent = outcome.parts[0]?.type === 'text' ? outcome.parts[0].text : outcome.text;
    if (images > 0) sent.textContent += `\n[+ ${images} image${images > 1 ? 's' : ''}]`;
    return outcome;
  }

  async function exchange(text: string): Promise<void> {
    const settings = Object.fromEntries(FIELDS.map((name) => [name, fields[name].value.trim()])) as unknown as ModelSettings;
    const key = JSON.stringify([settings.provider, settings.endpoint, settings.model, settings.key]);
    if (!conversation || key !== conversationKey) {
      conversation = new ModelConversation(settings, runCode.definition);
      conversationKey = key;
    }
    bubble(log, 'user').append(el('p', '', text));
    conversation.addUserText(text);
    running = new AbortController();
    const { signal } = running;
    // One exchange at a time: Send is back once this reply (and its tool calls) has ended.
    send.disabled = true;
    stop.disabled = false;
    try {
      for (let step = 0; step < MAX_STEPS; step++) {
        const inner = bubble(log, 'assistant');
        const streaming = el('p', 'streaming');
        inner.append(streaming);
        const turn = await conversation.next((delta) => (streaming.textContent += delta), signal);
        streaming.replaceWith(parts.renderText(turn.text));
        if (turn.toolCalls.length === 0) return;
        const results = [];
        for (const call of turn.toolCalls) results.push({ call, outcome: await runToolCall(call, inner, signal) });
        conversation.addToolResults(results);
      }
      bubble(log, 'assistant').append(el('p', 'note', `Stopped after ${MAX_STEPS} model turns.`));
    } catch (error) {
      const note = el('p', 'live-error', signal.aborted ? 'Stopped.' : `Error: ${(error as Error).message}`);
      note.dataset.testid = 'live-error';
      bubble(log, 'assistant').append(note);
      // The reply that failed is not in the history; the next message starts the exchange again.
      conversation = undefined;
    } finally {
      running = undefined;
      send.disabled = false;
      stop.disabled = true;
    }
  }

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text || running) return;
    if (!fields.key.form!.reportValidity()) return;
    message.value = '';
    void exchange(text);
  });
}
