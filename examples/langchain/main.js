// LangChain.js with the run_code tool: give it to an agent or `model.bindTools([runCode])`; here a
// tool call like the one a model sends is invoked directly.
import { createSandbox } from 'ai-sandbox/javascript';
import { runCodeTool } from 'ai-sandbox/langchain';
import { show } from '../show.js';

await show(async () => {
  const sandbox = await createSandbox({ language: 'javascript' });
  const runCode = runCodeTool({ sandboxes: { javascript: sandbox } });
  const message = await runCode.invoke({ type: 'tool_call', id: 'call-1', name: 'run_code', args: { language: 'javascript', code: 'Math.max(3, 9, 4)' } });
  await sandbox.dispose();
  return { type: message.getType(), text: message.content[0].text, value: message.artifact.value };
});
