/** `ai-sandbox/tool`: the run_code definition, argument checks, the result formatter and the bound tool. */
import { describe, expect, it } from 'vitest';
import { anthropicToolResult, createRunCodeTool, forAnthropic, forOpenAI, forOpenAIResponses, formatRunResult, parseRunCodeArguments, runCodeToolDefinition, runResultParts } from '../../../src/tool.js';
import type { RunResult } from '../../../src/shared/types.js';

const result = (over: Partial<RunResult>): RunResult => ({ status: 'ok', decidedBy: 'engine', stdout: '', stderr: '', outputs: [], stateLost: false, durationMs: 12.34, ...over });

describe('runCodeToolDefinition', () => {
  it('describes both languages by default as a closed JSON schema', () => {
    const def = runCodeToolDefinition();
    expect(def.name).toBe('run_code');
    expect(def.parameters).toEqual({
      type: 'object',
      properties: { language: expect.objectContaining({ enum: ['python', 'javascript'] }), code: expect.objectContaining({ type: 'string' }) },
      required: ['language', 'code'],
      additionalProperties: false,
    });
    expect(def.description).toMatch(/Python/);
    expect(def.description).toMatch(/JavaScript/);
    expect(def.description).toMatch(/no network/i);
    const granted = runCodeToolDefinition({ grants: { network: ['https://api.example.com'], tools: ['search'] } }).description;
    expect(granted).not.toMatch(/no network/i);
    expect(granted).toMatch(/reaches only https:\/\/api\.example\.com/);
    expect(granted).toMatch(/await tools\.<name>\(args\).*: search\./);
    expect(granted).not.toMatch(/micropip|installed when/);
    const packages = runCodeToolDefinition({ grants: { autoInstall: true, micropip: true } }).description;
    expect(packages).toMatch(/numpy, pandas, matplotlib…\) are installed when the code imports them/);
    expect(packages).toMatch(/`import micropip; await micropip\.install\("name"\)` installs other packages/);
  });

  it('offers only the chosen languages and rejects unknown ones', () => {
    const def = runCodeToolDefinition({ languages: ['javascript'], name: 'js' });
    expect(def.parameters.properties.language!.enum).toEqual(['javascript']);
    expect(def.description).not.toMatch(/Pyodide/);
    expect(() => runCodeToolDefinition({ languages: ['ruby' as never] })).toThrow(TypeError);
    expect(() => runCodeToolDefinition({ languages: [] })).toThrow(TypeError);
  });

  it('converts to the OpenAI (Chat Completions, Responses) and Anthropic shapes', () => {
    const def = runCodeToolDefinition();
    expect(forOpenAI(def)).toEqual({ type: 'function', function: def });
    expect(forOpenAIResponses(def)).toEqual({ type: 'function', name: 'run_code', description: def.description, parameters: def.parameters, strict: true });
    // Strict mode's rules: every property required, no others allowed.
    expect(def.parameters.required).toEqual(Object.keys(def.parameters.properties));
    expect(def.parameters.additionalProperties).toBe(false);
    expect(forAnthropic(def)).toEqual({ name: 'run_code', description: def.description, input_schema: def.parameters });
  });
});

describe('parseRunCodeArguments', () => {
  it('reads objects and JSON text', () => {
    expect(parseRunCodeArguments({ language: 'python', code: 'print(1)' })).toEqual({ language: 'python', code: 'print(1)' });
    expect(parseRunCodeArguments('{"language":"javascript","code":"1+1"}')).toEqual({ language: 'javascript', code: '1+1' });
  });

  it('defaults the language when only one is offered', () => {
    expect(parseRunCodeArguments({ code: '1' }, ['python'])).toEqual({ language: 'python', code: '1' });
    expect(() => parseRunCodeArguments({ code: '1' })).toThrow(/"language" must be one of "python", "javascript"/);
  });

  it('says what is wrong, in words a model can act on', () => {
    expect(() => parseRunCodeArguments('{oops')).toThrow(/not valid JSON/);
    expect(() => parseRunCodeArguments([1])).toThrow(/must be an object/);
    expect(() => parseRunCodeArguments({ language: 'ruby', code: 'x' })).toThrow(/"language" must be one of/);
    expect(() => parseRunCodeArguments({ language: 'python', code: '  ' })).toThrow(/"code" must be a non-empty string/);
    expect(() => parseRunCodeArguments({ language: 'python', code: 42 })).toThrow(TypeError);
  });
});

describe('formatRunResult', () => {
  it('shows status, output and value, and leaves out empty sections', () => {
    const text = formatRunResult(result({ stdout: 'hi\n', text: '42', value: 42 }));
    expect(text).toBe('status: ok (12.3 ms)\nstdout:\nhi\nvalue:\n42');
  });

  it('names the error, quotes the offending line and keeps the traceback', () => {
    const code = 'x = 1\ny = 2\nprint(z)';
    const text = formatRunResult(
      result({ status: 'error', error: { name: 'NameError', message: "name 'z' is not defined", line: 3, stack: 'Traceback (most recent call last):\n  File "main.py", line 3\nNameError' } }),
      { code },
    );
    expect(text).toContain("error: NameError: name 'z' is not defined\nat line 3: print(z)");
    expect(text).toContain('traceback:\nTraceback (most recent call last):');
    expect(text).toContain('The code raised an error.');
  });

  it('explains limits, lost state, cuts and rich outputs the model cannot see', () => {
    const text = formatRunResult(
      result({
        status: 'timeout',
        stateLost: true,
        truncated: true,
        error: { name: 'TimeoutError', message: 'the run exceeded its time limit of 100 ms' },
        outputs: [{ mime: 'image/png', data: 'AAAA' }, { mime: 'image/png', data: 'BBBB' }, { mime: 'text/html', data: '<b>' }],
      }),
    );
    expect(text).toMatch(/^status: timeout/);
    expect(text).toContain('exceeded its time limit');
    expect(text).toContain('variables, imports and files from earlier runs are gone');
    expect(text).toContain('cut by the sandbox');
    expect(text).toContain('2 × image/png, 1 × text/html');
    expect(text).not.toContain('AAAA');
  });

  it('cuts long output in the middle, within the budget, without losing the error', () => {
    const stdout = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const text = formatRunResult(result({ status: 'error', stdout, error: { name: 'ValueError', message: 'bad value', line: 1 } }), { maxChars: 1000 });
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text).toContain('line 0\nline 1');
    expect(text).toContain('line 4999');
    expect(text).toMatch(/characters cut/);
    expect(text).toContain('error: ValueError: bad value');
  });

  it('lets a short section keep all of it while a flood shares the rest', () => {
    const text = formatRunResult(result({ stdout: 'x'.repeat(10_000), stderr: 'warning: short' }), { maxChars: 600 });
    expect(text).toContain('stderr:\nwarning: short');
    expect(text.length).toBeLessThanOrEqual(600);
  });
});

describe('createRunCodeTool', () => {
  const fakeRunner = (calls: string[]) => ({
    run: async (code: string) => {
      calls.push(code);
      return result({ stdout: `ran ${code}\n` });
    },
  });

  it('offers the languages it has runners for and runs calls in the right one', async () => {
    const calls: string[] = [];
    let made = 0;
    const tool = createRunCodeTool({ sandboxes: { python: () => (made++, fakeRunner(calls)) } });
    expect(tool.definition.parameters.properties.language!.enum).toEqual(['python']);
    const first = await tool.call('{"code":"print(1)"}');
    expect(first.text).toContain('ran print(1)');
    expect(first.arguments).toEqual({ language: 'python', code: 'print(1)' });
    await tool.call({ language: 'python', code: '2' });
    expect(calls).toEqual(['print(1)', '2']);
    expect(made).toBe(1);
  });

  it('answers invalid arguments with a text for the model, without running anything', async () => {
    const calls: string[] = [];
    const tool = createRunCodeTool({ sandboxes: { javascript: fakeRunner(calls) } });
    const outcome = await tool.call({ language: 'python', code: 'print(1)' });
    expect(outcome.text).toMatch(/^status: invalid arguments\n"language" must be one of "javascript"/);
    expect(outcome.result).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('tries a failed sandbox start again on the next call', async () => {
    let attempts = 0;
    const tool = createRunCodeTool({
      sandboxes: {
        javascript: async () => {
          if (++attempts === 1) throw new Error('start failed');
          return fakeRunner([]);
        },
      },
    });
    await expect(tool.call({ language: 'javascript', code: '1' })).rejects.toThrow('start failed');
    expect((await tool.call({ language: 'javascript', code: '1' })).text).toContain('ran 1');
  });
});

describe('runResultParts and anthropicToolResult', () => {
  const png = { mime: 'image/png', data: 'iVBORw0KGgo=' };
  const svg = { mime: 'image/svg+xml', data: '<svg/>' };

  it('attaches the images a model can read after the text, which says so', () => {
    const parts = runResultParts(result({ outputs: [png, svg, { ...png, data: 'AAAA' }] }));
    expect(parts.map((p) => p.type)).toEqual(['text', 'image', 'image']);
    expect(parts[1]).toEqual({ type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' });
    expect((parts[0] as { text: string }).text).toContain('rich outputs: 2 × image/png, 1 × image/svg+xml (shown to the user; 2 images are attached, the other 1 not included)');
  });

  it('keeps to maxImages, and says "not included" when none go', () => {
    const parts = runResultParts(result({ outputs: [png, png] }), { maxImages: 0 });
    expect(parts).toHaveLength(1);
    expect((parts[0] as { text: string }).text).toContain('2 × image/png (shown to the user, not included here)');
    expect(runResultParts(result({ outputs: [png, png] }), { maxImages: 1 })).toHaveLength(2);
  });

  it('shapes parts as an Anthropic tool_result block, images as base64 sources', () => {
    const block = anthropicToolResult('toolu_1', runResultParts(result({ outputs: [png] })), true);
    expect(block).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true });
    expect(block.content[1]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } });
    expect(anthropicToolResult('toolu_2', [{ type: 'text', text: 'ok' }])).toEqual({ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'ok' }] });
  });

  it('createRunCodeTool returns the parts and whether the call failed', async () => {
    const tool = createRunCodeTool({ sandboxes: { python: { run: async () => result({ outputs: [png] }) } } });
    const outcome = await tool.call({ language: 'python', code: 'plot()' });
    expect(outcome.isError).toBe(false);
    expect(outcome.parts.map((p) => p.type)).toEqual(['text', 'image']);
    expect(outcome.text).toContain('(shown to the user, not included here)');
    expect((await tool.call({ language: 'cobol', code: 'x' })).isError).toBe(true);
  });
});
