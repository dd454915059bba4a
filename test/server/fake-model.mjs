/**
 * A stand-in for a model API in the chat demo's tests: it speaks OpenAI's Chat Completions
 * (`POST /v1/chat/completions`) and Anthropic's Messages (`POST /v1/messages`) wire formats,
 * streamed as server-sent events, with CORS for the page. What it answers depends on the
 * conversation it is sent, as a model's would: the last user text names a script (below), and
 * the tool results sent back so far say how far along it is. Every request is recorded.
 */
// @ts-check
import { createServer } from 'node:http';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * The scripts: for each, the tool calls to make one per turn, then the final text made from the
 * tool results the model was sent (their text, and how many images came with them).
 * @type {Record<string, { calls: Array<{ language: string; code: string }>; final: (results: string[], images: number) => string }>}
 */
const SCRIPTS = {
  three: {
    calls: [0, 1, 2].map((i) => ({ language: 'javascript', code: `console.log('square', ${i} * ${i})` })),
    final: (results) => `Done after ${results.length} runs: ${results.map((r) => r.match(/square (\d+)/)?.[1]).join(', ')}.`,
  },
  chart: {
    calls: [{ language: 'python', code: `import base64\nclass Dot:\n    def _repr_png_(self):\n        return base64.b64decode('${PNG}')\nDot()` }],
    final: (results, images) => `I saw ${images} image(s). ${results[0]?.split('\n')[0]}`,
  },
  error: {
    calls: [{ language: 'javascript', code: 'const x = null;\nx.y' }],
    final: (results) => `The tool said: ${results[0]?.split('\n').find((l) => l.startsWith('error:'))}`,
  },
  timeout: {
    calls: [{ language: 'javascript', code: 'while (true) {}' }],
    final: (results) => `The tool said: ${results[0]?.split('\n')[0]}`,
  },
};

/**
 * The script a conversation follows, and the tool results (texts, image count) sent back so far.
 * @param {'openai' | 'anthropic'} kind
 * @param {any} body
 */
function readConversation(kind, body) {
  /** @type {any[]} */
  const messages = body.messages ?? [];
  const userTexts = messages.filter((m) => m.role === 'user' && typeof m.content === 'string').map((m) => m.content);
  const name = Object.keys(SCRIPTS).find((s) => userTexts.at(-1)?.includes(s));
  const results = [];
  let images = 0;
  // Only the results of the current exchange (after the last plain user message) count.
  const lastUser = messages.map((m) => m.role === 'user' && typeof m.content === 'string').lastIndexOf(true);
  for (const m of messages.slice(lastUser + 1)) {
    if (kind === 'openai') {
      if (m.role === 'tool') results.push(m.content);
      if (m.role === 'user' && Array.isArray(m.content)) images += m.content.filter((/** @type {any} */ p) => p.type === 'image_url' && p.image_url.url.startsWith('data:image/png;base64,')).length;
    } else if (m.role === 'user' && Array.isArray(m.content)) {
      for (const block of m.content.filter((/** @type {any} */ b) => b.type === 'tool_result')) {
        results.push(block.content.filter((/** @type {any} */ c) => c.type === 'text').map((/** @type {any} */ c) => c.text).join(''));
        images += block.content.filter((/** @type {any} */ c) => c.type === 'image' && c.source.type === 'base64').length;
      }
    }
  }
  const script = /** @type {(typeof SCRIPTS)[string]} */ ((name && SCRIPTS[name]) || SCRIPTS.three);
  return { script, results, images };
}

/**
 * The SSE events of one reply: a tool call, or the final text in a few pieces.
 * @param {{ language: string; code: string } | undefined} call
 * @param {string} id
 * @param {string} text
 */
function openaiEvents(call, id, text) {
  /** @type {(delta: object, finish?: string | null) => object} */
  const chunk = (delta, finish = null) => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
  if (call) {
    const args = JSON.stringify(call);
    return [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id, type: 'function', function: { name: 'run_code', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 10) } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(10) } }] }),
      chunk({}, 'tool_calls'),
    ].map((e) => `data: ${JSON.stringify(e)}\n\n`).concat('data: [DONE]\n\n');
  }
  const pieces = [text.slice(0, 5), text.slice(5)];
  return [chunk({ role: 'assistant', content: '' }), ...pieces.map((p) => chunk({ content: p })), chunk({}, 'stop')].map((e) => `data: ${JSON.stringify(e)}\n\n`).concat('data: [DONE]\n\n');
}

/**
 * @param {{ language: string; code: string } | undefined} call
 * @param {string} id
 * @param {string} text
 */
function anthropicEvents(call, id, text) {
  /** @type {(type: string, data: object) => string} */
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [event('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'fake' } })];
  if (call) {
    const args = JSON.stringify(call);
    events.push(
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Running it.' } }),
      event('content_block_stop', { index: 0 }),
      event('content_block_start', { index: 1, content_block: { type: 'tool_use', id, name: 'run_code', input: {} } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: args.slice(0, 10) } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: args.slice(10) } }),
      event('content_block_stop', { index: 1 }),
      event('message_delta', { delta: { stop_reason: 'tool_use' } }),
    );
  } else {
    events.push(
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: text.slice(0, 5) } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: text.slice(5) } }),
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'end_turn' } }),
    );
  }
  return events.concat(event('message_stop', {}));
}

/**
 * Starts the fake model on `port` (0: any free one).
 * @returns {Promise<{ server: import('node:http').Server; url: string; requests: Array<{ url: string; headers: Record<string, unknown>; body: any }> }>}
 */
export async function startFakeModel(port = 0) {
  /** @type {Array<{ url: string; headers: Record<string, unknown>; body: any }>} */
  const requests = [];
  const server = createServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, x-api-key, anthropic-version, anthropic-dangerous-direct-browser-access');
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.end();
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw || '{}');
    requests.push({ url: req.url ?? '', headers: req.headers, body });
    const kind = req.url === '/v1/chat/completions' ? 'openai' : req.url === '/v1/messages' ? 'anthropic' : undefined;
    const authorized = kind === 'openai' ? req.headers.authorization === 'Bearer test-key' : req.headers['x-api-key'] === 'test-key';
    if (!kind || !authorized) {
      res.writeHead(kind ? 401 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: kind ? 'invalid api key' : 'no such endpoint' } }));
      return;
    }
    const { script, results, images } = readConversation(kind, body);
    const call = script.calls[results.length];
    const id = `call_${results.length + 1}`;
    const events = kind === 'openai' ? openaiEvents(call, id, script.final(results, images)) : anthropicEvents(call, id, script.final(results, images));
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    for (const e of events) {
      res.write(e);
      await new Promise((r) => setTimeout(r, 10));
    }
    res.end();
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  return { server, url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`, requests };
}
