/**
 * One config for the library build (`npm run build` → dist/), the playground dev server
 * (`npm start`) and the unit tests (`vitest`).
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { guestRuntime, sandboxAssets } from './scripts/vite-plugins.js';
import { serveDist } from './scripts/serve-dist.js';
import { viteAliases } from './scripts/package-aliases.js';

/** The library's entry points: the package's `exports` (package.json) name each one. */
const ENTRIES = {
  index: 'src/index.ts',
  javascript: 'src/javascript.ts',
  python: 'src/python.ts',
  tool: 'src/tool.ts',
  'ai-sdk': 'src/adapters/ai-sdk.ts',
  mcp: 'src/adapters/mcp.ts',
  langchain: 'src/adapters/langchain.ts',
  react: 'src/adapters/react.ts',
};

/** The adapters' frameworks (package.json's peerDependencies, and their subpaths): the app's bundle imports them, never ours. */
const PEERS = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies).map(
  (name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/|$)`),
);

export default defineConfig(({ command }) => ({
  plugins: [guestRuntime(), sandboxAssets(), serveDist()],
  // The dev server resolves the package's own name to dist/, so examples/ run under `npm start`.
  resolve: command === 'serve' ? { alias: viteAliases() } : {},
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Shipped readable: users debug through it, and their own bundler minifies.
    minify: false,
    lib: { entry: ENTRIES, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    // Shared code in chunks beside the entries, where the engines' `new URL('./…', import.meta.url)` still resolve.
    rolldownOptions: { external: PEERS, output: { chunkFileNames: '[name]-[hash].js' } },
  },
  // The playground's dev server is cross-origin isolated, as a well-configured app server is.
  // The isolation headers, and CORP cross-origin so that Firefox loads the sandbox's opaque-origin frame (README: Deploying).
  server: {
    port: 5173,
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'cross-origin' },
  },
  // The demo's service worker is the playground's, not the library's: dist/ (the npm package) goes without it.
  publicDir: command === 'serve' ? 'demo/public' : false,
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: '.test-reports/vitest.json' }]],
  },
}));
