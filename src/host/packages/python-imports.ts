/**
 * The modules Python code imports, read on the host from the code's text: autoInstall's
 * candidates come from here, never from the worker (whose answer a guest can forge). The engine's
 * own parser may then narrow the list (a name inside a string or a comment is no import); it can
 * never add to it.
 */

/** An `import …` or `from … import` statement: at a line's start, or after `;` or `:` (`try: import x`). */
const STATEMENT = /(?:^|[;:])[ \t]*(?:from[ \t]+(\.*[A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([^\n;#]+))/gm;

/**
 * The top-level module names that `import` and `from … import` statements in `code` name, in
 * order of first appearance; relative imports are left out. A superset of what a parser finds,
 * except for statements split across lines with a backslash.
 */
export function scanImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(STATEMENT)) {
    if (m[1] !== undefined) {
      if (!m[1].startsWith('.')) found.add(m[1].split('.')[0]!);
      continue;
    }
    for (const part of m[2]!.split(',')) {
      const name = /^\s*\(?\s*([A-Za-z_]\w*)/.exec(part);
      if (name) found.add(name[1]!);
    }
  }
  return [...found];
}
