// The AI SDK (`ai`) with the run_code tool: the model asks for code to run, the sandbox runs it in
// this page, and the model reads the result. This example runs offline with the SDK's mock model;
// in an app, use a real provider instead, e.g. `openai('gpt-5-mini')` from '@ai-sdk/openai'.
import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { createSandbox } from 'ai-sandbox/javascript';
import { runCodeTool } from 'ai-sandbox/ai-sdk';
import { show } from '../show.js';

const usage = { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 0, text: 0, reasoning: 0 } };
const model = new MockLanguageModelV4({
  doGenerate: [
    // First the model calls the tool…
    { content: [{ type: 'tool-call', toolCallId: '1', toolName: 'run_code', input: JSON.stringify({ language: 'javascript', code: '[1, 2, 3].reduce((a, b) => a + b)' }) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] },
    // …then it answers with what it read.
    { content: [{ type: 'text', text: 'The sum is 6.' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] },
  ],
});

await show(async () => {
  const sandbox = await createSandbox({ language: 'javascript' });
  const { text, steps } = await generateText({
    model,
    tools: { run_code: runCodeTool({ sandboxes: { javascript: sandbox } }) },
    stopWhen: stepCountIs(5),
    prompt: 'What is 1 + 2 + 3? Use code.',
  });
  await sandbox.dispose();
  return { answer: text, toolOutput: steps[0].toolResults[0].output.text };
});
