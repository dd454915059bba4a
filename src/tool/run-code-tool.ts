/**
 * A ready `run_code` tool: the definition to give the model and a `call()` that takes the model's
 * arguments, runs the code in the right sandbox and answers with the text to send back.
 */
import type { Language, RunOptions, RunResult, Sandbox } from '../shared/types.js';
import { parseRunCodeArguments, runCodeToolDefinition, type RunCodeArguments, type ToolDefinition, type ToolGrants } from './definition.js';
import { formatRunResult } from './format-result.js';
import { runResultParts, type ToolResultPart } from './result-content.js';

/** Anything that runs code: a sandbox, or a pool of them. */
export type CodeRunner = Pick<Sandbox, 'run'>;

/** A runner, or a function that makes one the first time it is needed (e.g. `() => createSandbox(…)`). */
export type RunnerSource = CodeRunner | (() => CodeRunner | Promise<CodeRunner>);

/** Options of {@link createRunCodeTool}. */
export interface RunCodeToolOptions {
  /** The runner for each offered language; the definition offers exactly these languages. */
  sandboxes: Partial<Record<Language, RunnerSource>>;
  /** Time limit of each call, in milliseconds (default: the sandbox's own). */
  timeoutMs?: number;
  /** Upper bound on the text sent back to the model, in characters (default 4000). */
  maxChars?: number;
  /** The most images (rich outputs) attached to a result for the model (default 4; 0: none). */
  maxImages?: number;
  /** The tool's name (default `run_code`). */
  name?: string;
  /** Replaces the default description. */
  description?: string;
  /** What the sandboxes grant (allowed origins, tool names), for the description; see `runCodeToolDefinition`. */
  grants?: ToolGrants;
}

/** What one call produced: the text for the model, and the details for the app's own display. */
export interface RunCodeOutcome {
  /** The tool result to send back to the model, as text alone (for APIs whose tool results are text only). */
  text: string;
  /** The same text, then the run's images, for APIs whose tool results take images (`anthropicToolResult`, the adapters). */
  parts: ToolResultPart[];
  /** True when the arguments were invalid or the run did not end `ok`: a failed tool call. */
  isError: boolean;
  /** The checked arguments, absent when they were invalid. */
  arguments?: RunCodeArguments;
  /** The run's full result, absent when the arguments were invalid. */
  result?: RunResult;
}

/** A `run_code` tool bound to sandboxes. */
export interface RunCodeTool {
  /** The definition to list in the model's tools (see `forOpenAI`/`forAnthropic` for API shapes). */
  readonly definition: ToolDefinition;
  /**
   * Runs one call. `args` is the call's arguments object or its JSON text. Invalid arguments
   * resolve with a text telling the model what to fix; infrastructure failures (a sandbox that
   * cannot start, a disposed one) reject, as `Sandbox.run` does.
   */
  call(args: unknown, options?: Pick<RunOptions, 'signal' | 'onStdout' | 'onStderr'>): Promise<RunCodeOutcome>;
}

/**
 * Binds a `run_code` tool to the app's sandboxes:
 *
 * ```ts
 * const tool = createRunCodeTool({ sandboxes: { python: () => createSandbox({ language: 'python' }) } });
 * // offer forOpenAI(tool.definition) to the model; when it calls the tool:
 * const { text } = await tool.call(toolCall.function.arguments);
 * ```
 */
export function createRunCodeTool(options: RunCodeToolOptions): RunCodeTool {
  const languages = (Object.keys(options.sandboxes ?? {}) as Language[]).filter((l) => options.sandboxes[l] !== undefined);
  const definition = runCodeToolDefinition({ languages, name: options.name, description: options.description, grants: options.grants });
  const runners = new Map<Language, Promise<CodeRunner>>();
  const runnerFor = (language: Language): Promise<CodeRunner> => {
    let runner = runners.get(language);
    if (!runner) {
      const source = options.sandboxes[language]!;
      runner = Promise.resolve(typeof source === 'function' ? source() : source);
      // A failed start is not kept: the next call tries again.
      runner.catch(() => runners.delete(language));
      runners.set(language, runner);
    }
    return runner;
  };

  return {
    definition,
    async call(args, callOptions = {}) {
      let parsed: RunCodeArguments;
      try {
        parsed = parseRunCodeArguments(args, languages);
      } catch (error) {
        const text = `status: invalid arguments\n${(error as Error).message}`;
        return { text, parts: [{ type: 'text', text }], isError: true };
      }
      const runner = await runnerFor(parsed.language);
      const result = await runner.run(parsed.code, { ...callOptions, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) });
      const format = { maxChars: options.maxChars, code: parsed.code };
      const text = formatRunResult(result, format);
      const parts = runResultParts(result, { ...format, maxImages: options.maxImages });
      return { text, parts, isError: result.status !== 'ok', arguments: parsed, result };
    },
  };
}
