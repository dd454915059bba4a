/**
 * One config for the library build (`npm run build` → dist/), the playground dev server
 * (`npm start`) and the unit tests (`vitest`).
 */
import { defineConfig } from 'vitest/config';
import { guestRuntime, sandboxAssets } from './scripts/vite-plugins.js';
import { serveDist } from './scripts/serve-dist.js';

export default defineConfig({
  plugins: [guestRuntime(), sandboxAssets(), serveDist()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Shipped readable: users debug through it, and their own bundler minifies.
    minify: false,
    lib: { entry: { index: 'src/index.ts', tool: 'src/tool.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
  },
  // The playground's dev server is cross-origin isolated, as a well-configured app server is.
  // The isolation headers, and CORP cross-origin so that Firefox loads the sandbox's opaque-origin frame (README: Deploying).
  server: {
    port: 5173,
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'cross-origin' },
  },
  publicDir: 'demo/public',
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: '.test-reports/vitest.json' }]],
  },
});
