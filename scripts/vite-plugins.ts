/**
 * Build plugins for the library. The sandbox needs three runtime files beside `dist/index.js`:
 * - `worker.js`: the worker, a classic script (IIFE), because module workers do not start in an
 *   opaque-origin frame;
 * - `frame.html`: the frame page with its one script inlined and pinned by hash in its CSP;
 * - `quickjs.wasm`: the engine.
 * The guest runtime (src/guest) is bundled on its own and imported into the worker as a string
 * (`virtual:guest-runtime`), because it is evaluated inside QuickJS, not by the browser.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';
import { buildFrameHtml } from '../src/shared/frame-csp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Bundles one entry as a single classic script and returns its code. */
async function bundleIife(entry: string, name: string, options: { minify: boolean; plugins?: Plugin[] }): Promise<string> {
  const output = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: options.plugins ?? [],
    build: {
      write: false,
      minify: options.minify,
      target: 'es2022',
      sourcemap: false,
      lib: { entry: `${root}/${entry}`, formats: ['iife'], name, fileName: () => `${name}.js` },
      rolldownOptions: { output: { codeSplitting: false } },
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
 * defines `__aiSandboxGuest`. Not minified: class names such as TextDecoder must survive, since
 * guest code sees them.
 */
export function guestRuntime(): Plugin {
  const id = 'virtual:guest-runtime';
  return {
    name: 'ai-sandbox:guest-runtime',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    async load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const code = await bundleIife('src/guest/install.ts', '__aiSandboxGuest', { minify: false });
      return `export default ${JSON.stringify(code)};`;
    },
  };
}

/**
 * The engine's loader locates its wasm with `new URL('emscripten-module.wasm', import.meta.url)`,
 * which Vite would inline into the worker as a 500 kB data URL. The worker is always handed the
 * compiled module instead, so the reference is made inert.
 */
function noWasmUrl(): Plugin {
  return {
    name: 'ai-sandbox:no-wasm-url',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('quickjs-wasmfile-release-sync')) return undefined;
      return code.replace(/new URL\(\s*["']emscripten-module\.wasm["']\s*,\s*import\.meta\.url\s*\)/g, '{ href: "emscripten-module.wasm" }').replace(/import\.meta\.url/g, 'undefined');
    },
  };
}

/** Emits worker.js, frame.html and quickjs.wasm next to the library entry. */
export function sandboxAssets(): Plugin {
  return {
    name: 'ai-sandbox:assets',
    apply: 'build',
    // Vite rewrites `new URL('./worker.js', import.meta.url)` to `'' + import.meta.url` when the file
    // is not there at build time, which hides the pattern from the app's bundler. Restore it, so an
    // app built with Vite (or another bundler) copies the three assets.
    renderChunk(code) {
      const restored = code.replace(/new URL\(("\.\/[\w.-]+"), "" \+ import\.meta\.url\)/g, 'new URL($1, import.meta.url)');
      // Only a few characters within three lines change: the existing source map stays usable.
      return { code: restored, map: null };
    },
    async generateBundle() {
      const worker = await bundleIife('src/worker/javascript-main.ts', 'aiSandboxWorker', { minify: true, plugins: [guestRuntime(), noWasmUrl()] });
      const frameScript = await bundleIife('src/frame/main.ts', 'aiSandboxFrame', { minify: true });
      const hash = `sha256-${createHash('sha256').update(frameScript).digest('base64')}`;
      const wasmPath = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
      this.emitFile({ type: 'asset', fileName: 'worker.js', source: worker });
      this.emitFile({ type: 'asset', fileName: 'frame.html', source: buildFrameHtml(frameScript, hash) });
      this.emitFile({ type: 'asset', fileName: 'quickjs.wasm', source: await readFile(wasmPath) });
    },
  };
}
