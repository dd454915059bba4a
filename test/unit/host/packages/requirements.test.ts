/** Requirement strings (PEP 508) and environment markers, against Pyodide's environment. */
import { describe, expect, it } from 'vitest';
import { evaluateMarker, parseRequirement, pyodideEnvironment, versionSatisfies } from '../../../../src/host/packages/requirements.js';

const env = pyodideEnvironment({ python: '3.14.2', platform: 'emscripten_5_0_3' });

describe('parseRequirement', () => {
  it('reads names, extras, specifiers and markers', () => {
    expect(parseRequirement('Foo_Bar.baz')).toEqual({ name: 'Foo_Bar.baz', key: 'foo-bar-baz', extras: [], specifier: '', marker: '' });
    expect(parseRequirement('requests[socks, Security] >= 2.8.1 , == 2.8.*')).toMatchObject({ key: 'requests', extras: ['socks', 'security'], specifier: '>=2.8.1,==2.8.*' });
    expect(parseRequirement('pywin32 (>=1.0) ; sys_platform == "win32"')).toMatchObject({ specifier: '>=1.0', marker: 'sys_platform == "win32"' });
  });
  it('refuses what it cannot read, and URL requirements', () => {
    expect(() => parseRequirement('')).toThrow(SyntaxError);
    expect(() => parseRequirement('foo >>= 1')).toThrow(/is not a version specifier/);
    expect(() => parseRequirement('foo @ https://example.com/foo.whl')).toThrow(/URL requirements are not supported/);
    expect(() => parseRequirement('foo; sys_platform ==')).toThrow(/marker/);
    expect(() => parseRequirement('foo; os.system("x") == "1"')).toThrow(/marker/);
  });
});

describe('evaluateMarker', () => {
  it('compares versions as versions and strings as strings', () => {
    expect(evaluateMarker('python_version >= "3.8"', env)).toBe(true);
    expect(evaluateMarker('python_version < "3.10"', env)).toBe(false);
    expect(evaluateMarker('python_full_version == "3.14.*"', env)).toBe(true);
    expect(evaluateMarker('python_version ~= "3.12"', env)).toBe(true);
    expect(evaluateMarker('sys_platform == "emscripten" and platform_machine == "wasm32"', env)).toBe(true);
    expect(evaluateMarker("sys_platform == 'win32' or os_name == 'nt'", env)).toBe(false);
    expect(evaluateMarker('"emscripten" in sys_platform', env)).toBe(true);
    expect(evaluateMarker('platform_system not in "Windows Darwin"', env)).toBe(true);
    expect(evaluateMarker('platform_release >= "5"', env)).toBe(true);
  });
  it('gives "and" precedence over "or", and reads parentheses', () => {
    expect(evaluateMarker('os_name == "posix" or os_name == "nt" and python_version < "3"', env)).toBe(true);
    expect(evaluateMarker('(os_name == "posix" or os_name == "nt") and python_version < "3"', env)).toBe(false);
  });
  it('matches extras by normalized name, and only the extra being installed', () => {
    expect(evaluateMarker('extra == "Fancy_Plots"', { ...env, extra: 'fancy-plots' })).toBe(true);
    expect(evaluateMarker('extra == "fancy"', { ...env, extra: '' })).toBe(false);
  });
  it('reads the legacy variable spellings', () => {
    expect(evaluateMarker("sys.platform != 'win32' and python_implementation == 'CPython'", env)).toBe(true);
  });
});

describe('versionSatisfies', () => {
  it('takes pre-releases only when asked', () => {
    expect(versionSatisfies('2.0rc1', '>=1')).toBe(false);
    expect(versionSatisfies('2.0rc1', '>=1', true)).toBe(true);
    expect(versionSatisfies('1.0', '')).toBe(true);
  });
});
