/**
 * `ai-sandbox/tool`: what a chat app needs to let its model run code — a `run_code` tool
 * definition (JSON Schema), its OpenAI and Anthropic shapes, an argument reader, and a formatter
 * that turns a RunResult into compact text for the model. Depends on nothing but the types.
 */
export { createRunCodeTool, type CodeRunner, type RunCodeOutcome, type RunCodeTool, type RunCodeToolOptions, type RunnerSource } from './tool/run-code-tool.js';
export { forAnthropic, forOpenAI, parseRunCodeArguments, runCodeToolDefinition, type DefinitionOptions, type RunCodeArguments, type ToolDefinition } from './tool/definition.js';
export { formatRunResult, type FormatOptions } from './tool/format-result.js';
