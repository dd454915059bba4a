/**
 * `ai-sandbox/langchain`: the `run_code` tool for LangChain.js (`@langchain/core`, an optional peer
 * dependency), for agents and `bindTools` alike:
 *
 * ```ts
 * const runCode = runCodeTool({ sandboxes: { javascript: () => createSandbox({ language: 'javascript' }) } });
 * const message = await runCode.invoke(toolCall); // a ToolMessage: text and images, the RunResult as its artifact
 * ```
 *
 * Same schema as the neutral definition; the run is aborted with the call's `signal`. Its content
 * is the formatted text then the run's images (standard image blocks); its artifact is the whole
 * `RunResult` (absent when the arguments were invalid), for the app's own display.
 */
import { tool } from '@langchain/core/tools';
import type { RunResult } from '../shared/types.js';
import type { RunCodeArguments } from '../tool/definition.js';
import { createRunCodeTool, type RunCodeToolOptions } from '../tool/run-code-tool.js';

/** A content block of the tool's result: the text, or an image (a LangChain standard image block). */
export type RunCodeContentBlock = { type: 'text'; text: string } | { type: 'image'; mimeType: string; data: string };

/** A `run_code` tool for LangChain bound to the app's sandboxes (see `createRunCodeTool` for the options). */
export function runCodeTool(options: RunCodeToolOptions) {
  const core = createRunCodeTool(options);
  const { name, description, parameters } = core.definition;
  return tool(
    async (input: RunCodeArguments, config): Promise<[RunCodeContentBlock[], RunResult | undefined]> => {
      const outcome = await core.call(input, { signal: config?.signal });
      const blocks = outcome.parts.map((part): RunCodeContentBlock => (part.type === 'text' ? part : { type: 'image', mimeType: part.mediaType, data: part.data }));
      return [blocks, outcome.result];
    },
    { name, description, schema: parameters, responseFormat: 'content_and_artifact' },
  );
}
