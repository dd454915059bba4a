/**
 * The live chat's model client: one conversation with a model behind an OpenAI-compatible Chat
 * Completions endpoint or Anthropic's Messages API, streamed (server-sent events), with the
 * `run_code` tool. The key goes only into the request's headers to the endpoint the visitor named.
 */
import { anthropicToolResult, forAnthropic, forOpenAI, type RunCodeOutcome, type ToolDefinition } from '../dist/tool.js';

/** The wire format the endpoint speaks. */
export type Provider = 'openai' | 'anthropic';

/** What the visitor entered. */
export interface ModelSettings {
  provider: Provider;
  endpoint: string;
  model: string;
  key: string;
}

/** A tool call the model made: its id, the tool's name and the arguments as JSON text. */
export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: string;
}

/** One model turn: its text, and the tool calls it asks for (none when it is done). */
export interface ModelTurn {
  text: string;
  toolCalls: ToolCallRequest[];
}

/** The endpoints the form offers by default. */
export const DEFAULT_ENDPOINTS: Record<Provider, string> = {
  openai: 'https://api.openai.com/v1/chat/completions',
  anthropic: 'https://api.anthropic.com/v1/messages',
};

const SYSTEM_PROMPT =
  'You are a helpful assistant in a chat app. You can run code in a sandbox in the user\'s browser with the run_code tool: use it to compute, check and chart things rather than guessing. Keep answers short.';

/** The data of each server-sent event in a streamed response. */
async function* serverSentEvents(response: Response, signal?: AbortSignal): AsyncGenerator<Record<string, any>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data && data !== '[DONE]') yield JSON.parse(data) as Record<string, any>;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** One conversation: the history in the endpoint's own shape, and a streamed turn at a time. */
export class ModelConversation {
  private readonly messages: Array<Record<string, unknown>> = [];

  constructor(
    private readonly settings: ModelSettings,
    private readonly tool: ToolDefinition,
  ) {}

  addUserText(text: string): void {
    this.messages.push({ role: 'user', content: text });
  }

  /** Sends the conversation, streams the reply's text to `onText`, and records the reply. */
  async next(onText: (delta: string) => void, signal?: AbortSignal): Promise<ModelTurn> {
    const { provider, endpoint, model, key } = this.settings;
    const anthropic = provider === 'anthropic';
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (anthropic) {
      headers['x-api-key'] = key;
      headers['anthropic-version'] = '2023-06-01';
      headers['anthropic-dangerous-direct-browser-access'] = 'true';
    } else {
      headers.Authorization = `Bearer ${key}`;
    }
    const body = anthropic
      ? { model, max_tokens: 4096, stream: true, system: SYSTEM_PROMPT, tools: [forAnthropic(this.tool)], messages: this.messages }
      : { model, stream: true, tools: [forOpenAI(this.tool)], messages: [{ role: 'system', content: SYSTEM_PROMPT }, ...this.messages] };
    const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal, credentials: 'omit' });
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).slice(0, 400);
      throw new Error(`the endpoint answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
    }
    const turn = anthropic ? await this.readAnthropic(response, onText, signal) : await this.readOpenAI(response, onText, signal);
    return turn;
  }

  /** Sends the tool calls' outcomes back, with their images where the API takes them. */
  addToolResults(results: Array<{ call: ToolCallRequest; outcome: RunCodeOutcome }>): void {
    if (this.settings.provider === 'anthropic') {
      this.messages.push({ role: 'user', content: results.map(({ call, outcome }) => anthropicToolResult(call.id, outcome.parts, outcome.isError)) });
      return;
    }
    for (const { call, outcome } of results) this.messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.text });
    // Chat Completions' tool messages are text only: the images follow in a user message.
    const images = results.flatMap(({ call, outcome }) => outcome.parts.flatMap((part) => (part.type === 'image' ? [{ id: call.id, part }] : [])));
    if (images.length > 0) {
      this.messages.push({
        role: 'user',
        content: [
          { type: 'text', text: `The images the run_code call${images.length > 1 ? 's' : ''} showed:` },
          ...images.map(({ part }) => ({ type: 'image_url', image_url: { url: `data:${part.mediaType};base64,${part.data}` } })),
        ],
      });
    }
  }

  private async readOpenAI(response: Response, onText: (delta: string) => void, signal?: AbortSignal): Promise<ModelTurn> {
    let text = '';
    const calls: ToolCallRequest[] = [];
    for await (const chunk of serverSentEvents(response, signal)) {
      const delta = chunk.choices?.[0]?.delta;
      if (!delta) continue;
      if (typeof delta.content === 'string' && delta.content) {
        text += delta.content;
        onText(delta.content);
      }
      for (const part of delta.tool_calls ?? []) {
        const call = (calls[part.index ?? 0] ??= { id: '', name: '', arguments: '' });
        if (part.id) call.id = part.id;
        if (part.function?.name) call.name += part.function.name;
        if (part.function?.arguments) call.arguments += part.function.arguments;
      }
    }
    const toolCalls = calls.filter(Boolean);
    this.messages.push({
      role: 'assistant',
      content: text || null,
      ...(toolCalls.length > 0 && { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }),
    });
    return { text, toolCalls };
  }

  private async readAnthropic(response: Response, onText: (delta: string) => void, signal?: AbortSignal): Promise<ModelTurn> {
    const blocks: Array<{ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; json: string }> = [];
    for await (const event of serverSentEvents(response, signal)) {
      if (event.type === 'error') throw new Error(`the endpoint reported: ${event.error?.message ?? 'an error'}`);
      if (event.type === 'content_block_start') {
        const block = event.content_block;
        blocks[event.index] = block.type === 'tool_use' ? { type: 'tool_use', id: block.id, name: block.name, json: '' } : { type: 'text', text: block.text ?? '' };
      } else if (event.type === 'content_block_delta') {
        const block = blocks[event.index];
        if (event.delta.type === 'text_delta' && block?.type === 'text') {
          block.text += event.delta.text;
          onText(event.delta.text);
        } else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
          block.json += event.delta.partial_json;
        }
      }
    }
    const present = blocks.filter(Boolean);
    this.messages.push({
      role: 'assistant',
      // The API refuses empty text blocks.
      content: present
        .filter((b) => b.type !== 'text' || b.text !== '')
        .map((b) => (b.type === 'text' ? { type: 'text', text: b.text } : { type: 'tool_use', id: b.id, name: b.name, input: b.json ? JSON.parse(b.json) : {} })),
    });
    return {
      text: present.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      toolCalls: present.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: b.json || '{}' }] : [])),
    };
  }
}
