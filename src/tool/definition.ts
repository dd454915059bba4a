/**
 * The `run_code` tool a chat app offers its model: its JSON-schema definition, that definition in
 * the shapes the common model APIs expect, and a strict reader of the arguments the model sends.
 */
import type { Language } from '../shared/types.js';

/** A tool definition in the neutral shape (name, description, JSON Schema of the arguments). */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 subset every model API accepts) of the arguments object. */
  parameters: {
    type: 'object';
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: false;
  };
}

/** The arguments of a `run_code` call, once read and checked. */
export interface RunCodeArguments {
  language: Language;
  code: string;
}

/** What the sandboxes behind a `run_code` tool grant, as its description tells the model. */
export interface ToolGrants {
  /** The origins `network.allow` lists. */
  network?: string[];
  /** The names of the sandboxes' `tools`. */
  tools?: string[];
  /** Python: `autoInstall` is on (the distribution's packages a run imports are installed first). */
  autoInstall?: boolean;
  /** Python: the `micropip` option is on (code may `await micropip.install(...)`). */
  micropip?: boolean;
}

/** Options of {@link runCodeToolDefinition}. */
export interface DefinitionOptions {
  /** Languages the model may choose from (default both). */
  languages?: Language[];
  /** The tool's name (default `run_code`). */
  name?: string;
  /** Replaces the default description. */
  description?: string;
  /**
   * What the sandboxes grant, so the description tells the model the truth: the origins their
   * `network.allow` lists (default none: "no network access"), the names of their `tools`, and
   * for Python whether they have `autoInstall` and `micropip`.
   */
  grants?: ToolGrants;
}

const ALL_LANGUAGES: Language[] = ['python', 'javascript'];

const LANGUAGE_NOTES: Record<Language, string> = {
  python:
    'Python 3 (Pyodide): the standard library; `print` output is captured; the value of the last expression is returned; `display(obj)` shows rich output (images, HTML) to the user.',
  javascript:
    'JavaScript (QuickJS, ES2023): top-level await; `console.log` output is captured; the value of the last expression is returned. No DOM and no Node.js APIs.',
};

function checkLanguages(languages: Language[]): Language[] {
  if (!Array.isArray(languages) || languages.length === 0 || languages.some((l) => !ALL_LANGUAGES.includes(l))) {
    throw new TypeError(`languages must be a non-empty array of ${ALL_LANGUAGES.map((l) => `'${l}'`).join(' and ')}`);
  }
  return [...new Set(languages)];
}

/** What the description says the sandbox may reach, from what it grants. */
function grantsNote(grants: DefinitionOptions['grants'] = {}): string {
  const network = grants.network?.length
    ? `Network: \`fetch\` (in Python also \`pyodide.http.pyfetch\`) reaches only ${grants.network.join(', ')}; every other request is refused.`
    : 'There is no network access.';
  const tools = grants.tools?.length ? ` Host functions, called as \`await tools.<name>(args)\` with JSON-like arguments: ${grants.tools.join(', ')}.` : '';
  const packages = [
    grants.autoInstall ? "Python: Pyodide's packages (numpy, pandas, matplotlib…) are installed when the code imports them." : '',
    grants.micropip ? 'Python: `import micropip; await micropip.install("name")` installs other packages (pure-Python wheels) before you import them.' : '',
  ].filter(Boolean);
  return `${network}${tools}${packages.map((p) => ` ${p}`).join('')} There is no access to the user's page.`;
}

/**
 * The definition of a `run_code` tool. The description tells the model what the sandbox is: what it
 * may reach (nothing, unless `grants` says otherwise), limited time and memory, and state kept
 * between calls of one conversation.
 */
export function runCodeToolDefinition(options: DefinitionOptions = {}): ToolDefinition {
  const languages = checkLanguages(options.languages ?? ALL_LANGUAGES);
  const description =
    options.description ??
    [
      'Run code in a sandbox in the user\'s browser and get back its output, the value of its last expression and any error.',
      ...languages.map((l) => LANGUAGE_NOTES[l]),
      grantsNote(options.grants),
      'Runs have a time and a memory limit. Variables persist between calls in the same language until the sandbox restarts (the result says so).',
    ].join(' ');
  return {
    name: options.name ?? 'run_code',
    description,
    parameters: {
      type: 'object',
      properties: {
        language: { type: 'string', enum: languages, description: 'The language of `code`.' },
        code: { type: 'string', description: 'The program to run.' },
      },
      required: ['language', 'code'],
      additionalProperties: false,
    },
  };
}

/** The definition as OpenAI's Chat Completions API expects it in `tools`. */
export function forOpenAI(definition: ToolDefinition): { type: 'function'; function: ToolDefinition } {
  return { type: 'function', function: definition };
}

/**
 * The definition as OpenAI's Responses API expects it in `tools`, with `strict: true` (the model's
 * arguments then always match the schema: every property is required, no others are allowed).
 */
export function forOpenAIResponses(definition: ToolDefinition): { type: 'function'; name: string; description: string; parameters: ToolDefinition['parameters']; strict: true } {
  return { type: 'function', name: definition.name, description: definition.description, parameters: definition.parameters, strict: true };
}

/** The definition as Anthropic's Messages API expects it in `tools`. */
export function forAnthropic(definition: ToolDefinition): { name: string; description: string; input_schema: ToolDefinition['parameters'] } {
  return { name: definition.name, description: definition.description, input_schema: definition.parameters };
}

/**
 * Reads a `run_code` call's arguments: an object, or the JSON text of one (as OpenAI sends it).
 * `language` may be left out when only one language is offered. Throws a `TypeError` whose
 * message is fit to send back to the model.
 */
export function parseRunCodeArguments(input: unknown, languages: Language[] = ALL_LANGUAGES): RunCodeArguments {
  const offered = checkLanguages(languages);
  let args = input;
  if (typeof input === 'string') {
    try {
      args = JSON.parse(input);
    } catch {
      throw new TypeError('the arguments are not valid JSON: send an object like {"language": "python", "code": "print(1)"}');
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new TypeError('the arguments must be an object with "language" and "code"');
  }
  const { language = offered.length === 1 ? offered[0] : undefined, code } = args as { language?: unknown; code?: unknown };
  if (typeof language !== 'string' || !offered.includes(language as Language)) {
    throw new TypeError(`"language" must be one of ${offered.map((l) => JSON.stringify(l)).join(', ')}`);
  }
  if (typeof code !== 'string' || code.trim() === '') throw new TypeError('"code" must be a non-empty string');
  return { language: language as Language, code };
}
