/**
 * `ai-sandbox/tool`: what a chat app needs to let its model run code — a `run_code` tool
 * definition (JSON Schema), its OpenAI (Chat Completions, Responses) and Anthropic shapes, an
 * argument reader, and a formatter that turns a RunResult into compact text, with its images, for the model. Depends on nothing but the types.
 */
export { createRunCodeTool, type CodeRunner, type RunCodeOutcome, type RunCodeTool, type RunCodeToolOptions, type RunnerSource } from './tool/run-code-tool.js';
export { forAnthropic, forOpenAI, forOpenAIResponses, parseRunCodeArguments, runCodeToolDefinition, type DefinitionOptions, type RunCodeArguments, type ToolDefinition, type ToolGrants } from './tool/definition.js';
export { formatRunResult, type FormatOptions } from './tool/format-result.js';
export { anthropicToolResult, MODEL_IMAGE_TYPES, runResultParts, type AnthropicToolResult, type ResultPartsOptions, type ToolResultPart } from './tool/result-content.js';
