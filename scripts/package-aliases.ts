/**
 * The package's own entry points as an app that installed it resolves them: `ai-sandbox` and
 * `ai-sandbox/<subpath>` → the built file package.json's `exports` names. Used by the dev server (so
 * the examples run under `npm start`) and by the test suite's app builds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Each import specifier with the absolute path of its file. */
export function packageEntries(): Array<{ specifier: string; file: string }> {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; exports: Record<string, string | { import?: string }> };
  return Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === 'object' && target.import?.endsWith('.js') ? [{ specifier: `${pkg.name}${subpath.slice(1)}`, file: `${root}${target.import.slice(2)}` }] : [],
  );
}

/** The entries as Vite aliases (exact matches). */
export function viteAliases(): Array<{ find: RegExp; replacement: string }> {
  return packageEntries().map(({ specifier, file }) => ({ find: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`), replacement: file }));
}
