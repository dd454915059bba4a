/**
 * Python requirement strings (PEP 508): `name[extra,…] specifier ; marker`, as package metadata's
 * `Requires-Dist` writes them and as an app names packages. Versions are compared by PEP 440
 * (`@renovatebot/pep440`); environment markers are evaluated here against the Pyodide build's
 * environment. URL requirements (`name @ https://…`) are not supported.
 */
import { satisfies, valid, validRange } from '@renovatebot/pep440';
import { normalizeName } from './names.js';

/** A parsed requirement. */
export interface Requirement {
  /** The name as written. */
  name: string;
  /** The name normalized (PEP 503): lowercase, runs of `-_.` as one `-`. */
  key: string;
  extras: string[];
  /** The version specifier, e.g. `>=1.1,<2`; empty for any version. */
  specifier: string;
  /** The environment marker after `;`, unparsed; empty when none. */
  marker: string;
}

/** The values environment markers compare (PEP 508), for one Python build. */
export type MarkerEnvironment = Record<string, string>;

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;
const SPECIFIER = /^(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+$/;

/** Parses a requirement; throws SyntaxError naming what it could not read. */
export function parseRequirement(text: string): Requirement {
  const fail = (why: string) => new SyntaxError(`requirement ${JSON.stringify(text)}: ${why}`);
  const semi = text.indexOf(';');
  const head = semi === -1 ? text : text.slice(0, semi);
  const marker = semi === -1 ? '' : text.slice(semi + 1).trim();
  const m = NAME.exec(head);
  if (!m) throw fail('no project name');
  let rest = head.slice(m[0].length);
  let extras: string[] = [];
  const ex = /^\[([^\]]*)\]\s*/.exec(rest);
  if (ex) {
    extras = ex[1]!.split(',').map((e) => e.trim()).filter(Boolean).map(normalizeName);
    rest = rest.slice(ex[0].length);
  }
  if (rest.startsWith('@')) throw fail('URL requirements are not supported');
  rest = rest.trim().replace(/^\((.*)\)$/, '$1');
  const parts = rest === '' ? [] : rest.split(',').map((s) => s.trim().replace(/\s+/g, ''));
  for (const part of parts) if (!SPECIFIER.test(part)) throw fail(`${JSON.stringify(part)} is not a version specifier`);
  if (marker) evaluateMarker(marker, {}); // parses it: a malformed marker is refused now, not when met
  return { name: m[1]!, key: normalizeName(m[1]!), extras, specifier: parts.join(','), marker };
}

/** Whether `version` satisfies `specifier` (PEP 440; an empty specifier allows any version). */
export function versionSatisfies(version: string, specifier: string, prereleases = false): boolean {
  return specifier === '' || satisfies(version, specifier, { prereleases });
}

type Token = { kind: 'str' | 'var' | 'op' | 'and' | 'or' | '(' | ')'; text: string };

const TOKEN = /\s*(?:("[^"]*"|'[^']*')|(\(|\))|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(and|or)\b|([A-Za-z_][A-Za-z0-9_.]*))/y;

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < marker.length) {
    if (/^\s*$/.test(marker.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(marker);
    if (!m) throw new SyntaxError(`marker ${JSON.stringify(marker)}: cannot read ${JSON.stringify(marker.slice(at))}`);
    if (m[1] !== undefined) tokens.push({ kind: 'str', text: m[1].slice(1, -1) });
    else if (m[2] !== undefined) tokens.push({ kind: m[2] as '(' | ')', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'op', text: m[3].replace(/\s+/g, ' ') });
    else if (m[4] !== undefined) tokens.push({ kind: m[4] as 'and' | 'or', text: m[4] });
    else tokens.push({ kind: 'var', text: m[5]! });
  }
  return tokens;
}

const VARIABLES = new Set([
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system', 'platform_version',
  'platform_machine', 'platform_python_implementation', 'implementation_name', 'implementation_version', 'extra',
  // Legacy spellings (PEP 345) that old metadata still uses.
  'os.name', 'sys.platform', 'platform.version', 'platform.machine', 'platform.python_implementation', 'python_implementation',
]);
const LEGACY: Record<string, string> = { 'os.name': 'os_name', 'sys.platform': 'sys_platform', 'platform.version': 'platform_version', 'platform.machine': 'platform_machine', 'platform.python_implementation': 'platform_python_implementation', python_implementation: 'platform_python_implementation' };

/** One comparison: PEP 440 when the left side is a version and the right a version the operator takes, else as strings. */
function compareValues(left: string, op: string, right: string, variable: string | undefined): boolean {
  if (op === 'in') return right.includes(left);
  if (op === 'not in') return !right.includes(left);
  if (variable === 'extra') {
    const equal = normalizeName(left) === normalizeName(right);
    if (op === '==') return equal;
    if (op === '!=') return !equal;
    return false;
  }
  // As packaging does: the right side with the operator is a version specifier the left side meets.
  if (op !== '===' && valid(left) && validRange(`${op}${right}`)) return satisfies(left, `${op}${right}`, { prereleases: true });
  if (op === '==' || op === '===') return left === right;
  if (op === '!=') return left !== right;
  return false;
}

/**
 * Evaluates an environment marker, e.g. `python_version >= "3.8" and sys_platform != "win32"`.
 * `environment` gives the variables' values (`extra` included when an extra is being installed;
 * an unset variable is the empty string). Throws SyntaxError for a marker it cannot read.
 */
export function evaluateMarker(marker: string, environment: MarkerEnvironment): boolean {
  const tokens = tokenize(marker);
  let i = 0;
  const fail = (why: string) => new SyntaxError(`marker ${JSON.stringify(marker)}: ${why}`);
  const value = (): { text: string; variable?: string } => {
    const t = tokens[i++];
    if (t?.kind === 'str') return { text: t.text };
    if (t?.kind === 'var' && VARIABLES.has(t.text)) {
      const variable = LEGACY[t.text] ?? t.text;
      return { text: environment[variable] ?? '', variable };
    }
    throw fail(t ? `unexpected ${JSON.stringify(t.text)}` : 'ends early');
  };
  const atom = (): boolean => {
    if (tokens[i]?.kind === '(') {
      i++;
      const inner = or();
      if (tokens[i++]?.kind !== ')') throw fail('missing ")"');
      return inner;
    }
    const left = value();
    const op = tokens[i++];
    if (op?.kind !== 'op') throw fail('expected a comparison');
    const right = value();
    return compareValues(left.text, op.text, right.text, left.variable ?? right.variable);
  };
  const and = (): boolean => {
    let result = atom();
    while (tokens[i]?.kind === 'and') {
      i++;
      result = atom() && result;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (tokens[i]?.kind === 'or') {
      i++;
      result = and() || result;
    }
    return result;
  };
  const result = or();
  if (i !== tokens.length) throw fail(`unexpected ${JSON.stringify(tokens[i]!.text)}`);
  return result;
}

/**
 * The marker environment of the Pyodide build a lock file describes (`info.python` such as
 * `3.14.2`, `info.platform` such as `emscripten_5_0_3`), as Pyodide's own Python reports it.
 */
export function pyodideEnvironment(info: { python?: string; platform?: string } = {}): MarkerEnvironment {
  const full = info.python ?? '3';
  const emscripten = /^emscripten_(\d+)_(\d+)_(\d+)$/.exec(info.platform ?? '');
  return {
    python_version: full.split('.').slice(0, 2).join('.'),
    python_full_version: full,
    implementation_version: full,
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython',
    os_name: 'posix',
    sys_platform: 'emscripten',
    platform_system: 'Emscripten',
    platform_machine: 'wasm32',
    platform_release: emscripten ? emscripten.slice(1).join('.') : '',
    platform_version: '#1',
  };
}
