/**
 * `ai-sandbox/ai-sdk`: the `run_code` tool for the Vercel AI SDK (`ai`, an optional peer
 * dependency). Use it with `generateText`/`streamText` in the page, or as a client-side tool of
 * `useChat`:
 *
 * ```ts
 * import { runCodeTool } from 'ai-sandbox/ai-sdk';
 * const tools = { run_code: runCodeTool({ sandboxes: { python: () => createSandbox({ language: 'python' }) } }) };
 * await generateText({ model, tools, stopWhen: stepCountIs(5), prompt });
 * ```
 *
 * While the code runs, its output streams as preliminary tool results (`status: 'running'`); the
 * last result is the run's. The model reads the formatted text and the run's images (as image
 * parts, for models that accept them); the app gets the output object to display.
 */
import { jsonSchema, tool, type Tool } from 'ai';
import type { RunStatus } from '../shared/types.js';
import type { RunCodeArguments } from '../tool/definition.js';
import { createRunCodeTool, type RunCodeToolOptions } from '../tool/run-code-tool.js';
import { clipTail, streamCall } from './stream-call.js';

/** What the tool returns: streamed while the code runs, then final. Plain JSON, as UI messages keep it. */
export interface RunCodeToolOutput {
  /** `running` in streamed results, then the run's status, or `invalid-arguments`. */
  status: RunStatus | 'running' | 'invalid-arguments';
  /** The text the model reads (empty while running). */
  text: string;
  /** Output so far (its last 16 000 characters), for the app's display. */
  stdout: string;
  stderr: string;
  /** The images the model is sent with the text (base64). */
  images: Array<{ mediaType: string; data: string }>;
}

/** Options of {@link runCodeTool}: those of `createRunCodeTool`, and streaming. */
export interface AiSdkRunCodeToolOptions extends RunCodeToolOptions {
  /** Stream output as preliminary tool results while the code runs (default true). */
  stream?: boolean;
}

/**
 * A `run_code` tool for the AI SDK bound to the app's sandboxes. `abortSignal` (the SDK's, e.g.
 * from `stop()`) aborts the run, which then ends with status `aborted`.
 */
export function runCodeTool(options: AiSdkRunCodeToolOptions): Tool<RunCodeArguments, RunCodeToolOutput> {
  const core = createRunCodeTool(options);
  const streaming = options.stream ?? true;
  return tool({
    description: core.definition.description,
    inputSchema: jsonSchema<RunCodeArguments>(core.definition.parameters),
    async *execute(input: RunCodeArguments, { abortSignal }): AsyncGenerator<RunCodeToolOutput> {
      const call = streamCall((callbacks) => core.call(input, { signal: abortSignal, ...callbacks }));
      for await (const { stdout, stderr } of call.progress) {
        if (streaming) yield { status: 'running', text: '', stdout, stderr, images: [] };
      }
      const outcome = await call.outcome;
      const images = outcome.parts.flatMap((part) => (part.type === 'image' ? [{ mediaType: part.mediaType, data: part.data }] : []));
      const stdout = clipTail(outcome.result?.stdout ?? '');
      const stderr = clipTail(outcome.result?.stderr ?? '');
      // The first part is the text that says which images go with it.
      const text = outcome.parts[0]?.type === 'text' ? outcome.parts[0].text : outcome.text;
      yield { status: outcome.result?.status ?? 'invalid-arguments', text, stdout, stderr, images };
    },
    toModelOutput({ output }) {
      if (output.images.length === 0) return { type: 'text', value: output.text };
      return {
        type: 'content',
        value: [
          { type: 'text', text: output.text },
          ...output.images.map(({ mediaType, data }) => ({ type: 'file' as const, mediaType, data: { type: 'data' as const, data } })),
        ],
      };
    },
  });
}
