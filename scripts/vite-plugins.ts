/**
 * Build plugins for the library. The sandbox needs three runtime files beside `dist/index.js`:
 * - `worker.js`: the worker, a classic script (IIFE), because module workers do not start in an
 *   opaque-origin frame;
 * - `frame.htm`: the frame page with its one script inlined and pinned by hash in its CSP;
 * - `quickjs.wasm`: the engine.
 * The guest runtime (src/guest) is bundled on its own and imported into the worker as a string
 * (`virtual:guest-runtime`), because it is evaluated inside QuickJS, not by the browser.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';
import { buildFrameHtml } from '../src/shared/frame-csp.js';
import { signalCheck } from './pyodide-signal-check.js';
import { VERIFIED_PYODIDE_VERSION } from '../src/worker/python/pyodide-internals.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Minification that keeps every function's and class's `name`, for code whose names its users
 * see (the guest runtime: `TextDecoder.name`, stack traces).
 */
const MINIFY_KEEPING_NAMES = {
  compress: { keepNames: { function: true, class: true } },
  mangle: { keepNames: true },
} as const;

/** Bundles one entry as a single classic script and returns its code. */
async function bundleIife(entry: string, name: string, options: { minify: boolean | 'keep-names'; plugins?: Plugin[] }): Promise<string> {
  const output = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: options.plugins ?? [],
    build: {
      write: false,
      minify: options.minify === true,
      target: 'es2022',
      sourcemap: false,
      lib: { entry: `${root}/${entry}`, formats: ['iife'], name, fileName: () => `${name}.js` },
      // Node-only branches of the engines' loaders import these; they never run in a browser.
      rolldownOptions: {
        external: [/^node:/, 'ws'],
        output: { codeSplitting: false, ...(options.minify === 'keep-names' && { minify: MINIFY_KEEPING_NAMES, keepNames: true }) },
      },
    },
  });
  const results = Array.isArray(output) ? output : [output];
  for (const result of results) {
    if (!('output' in result)) continue;
    for (const chunk of result.output) if (chunk.type === 'chunk') return chunk.code;
  }
  throw new Error(`bundling ${entry} produced no code`);
}

/**
 * Serves `import source from 'virtual:guest-runtime'`: the guest runtime bundled as an IIFE that
 * defines `__aiSandboxGuest`. Minified with names kept (class names such as TextDecoder must
 * survive, since guest code sees them): QuickJS parses it at every engine start, and parsing is
 * most of what installing it costs.
 */
export function guestRuntime(): Plugin {
  const id = 'virtual:guest-runtime';
  return {
    name: 'ai-sandbox:guest-runtime',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    async load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const code = await bundleIife('src/guest/install.ts', '__aiSandboxGuest', { minify: 'keep-names' });
      return `export default ${JSON.stringify(code)};`;
    },
  };
}

/**
 * The engines' loaders locate their files with `new URL('x.wasm', import.meta.url)`, which Vite
 * would inline into the worker as a data URL (500 kB for QuickJS, 9.6 MB for Pyodide), and a
 * classic worker has no `import.meta` at all. The worker is always handed the files, so every
 * `import.meta.url` in the engines' code becomes a fixed URL that is never fetched.
 */
function inertEngineUrls(): Plugin {
  return {
    name: 'ai-sandbox:inert-engine-urls',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/](@jitl[\\/]quickjs-wasmfile-release-sync|pyodide)[\\/]/.test(id)) return undefined;
      const base = `"https://ai-sandbox.invalid/${basename(id)}"`;
      return code
        .replace(/new URL\(\s*(["'`])([\w.-]+\.wasm)\1\s*,\s*import\.meta\.url\s*\)/g, '{ href: "$2" }')
        .replace(/import\.meta\.url/g, base);
    },
  };
}

/** The Pyodide files the Python worker is handed, copied to dist/pyodide/. */
const PYODIDE_FILES = ['pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

/** Emits worker.js, frame.htm and quickjs.wasm next to the library entry. */
export function sandboxAssets(): Plugin {
  return {
    name: 'ai-sandbox:assets',
    apply: 'build',
    // Vite rewrites `new URL('./worker.js', import.meta.url)` to `'' + import.meta.url` when the file
    // is not there at build time, which hides the pattern from the app's bundler. Restore it, so an
    // app built with Vite (or another bundler) copies every asset, Pyodide's files included.
    renderChunk(code) {
      const restored = code.replace(/new URL\(("\.\/[\w./-]+"), "" \+ import\.meta\.url\)/g, 'new URL($1, import.meta.url)');
      // Only a few characters within three lines change: the existing source map stays usable.
      return { code: restored, map: null };
    },
    async generateBundle() {
      const { version } = JSON.parse(await readFile(require.resolve('pyodide/package.json'), 'utf8')) as { version: string };
      if (version !== VERIFIED_PYODIDE_VERSION) {
        throw new Error(`pyodide ${version} is installed, but src/worker/python/pyodide-internals.ts was verified against ${VERIFIED_PYODIDE_VERSION}: re-check every private API it names, then update it`);
      }
      const worker = await bundleIife('src/worker/javascript-main.ts', 'aiSandboxWorker', { minify: true, plugins: [guestRuntime(), inertEngineUrls()] });
      const pythonWorker = await bundleIife('src/worker/python-main.ts', 'aiSandboxPythonWorker', { minify: true, plugins: [inertEngineUrls(), signalCheck()] });
      const frameScript = await bundleIife('src/frame/main.ts', 'aiSandboxFrame', { minify: true });
      const hash = `sha256-${createHash('sha256').update(frameScript).digest('base64')}`;
      const wasmPath = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
      this.emitFile({ type: 'asset', fileName: 'worker.js', source: worker });
      this.emitFile({ type: 'asset', fileName: 'frame.htm', source: buildFrameHtml(frameScript, hash) });
      this.emitFile({ type: 'asset', fileName: 'quickjs.wasm', source: await readFile(wasmPath) });
      this.emitFile({ type: 'asset', fileName: 'python-worker.js', source: pythonWorker });
      for (const name of PYODIDE_FILES) {
        this.emitFile({ type: 'asset', fileName: `pyodide/${name}`, source: await readFile(require.resolve(`pyodide/${name}`)) });
      }
    },
  };
}
