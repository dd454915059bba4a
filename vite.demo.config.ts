/**
 * The demo site (`npm run build:demo` → dist-demo/): the playground and the chat demo as static
 * files with relative URLs, so the folder works from any static host and any sub-path. The
 * library's files (frame, workers, engines) are copied in as hashed assets by Vite itself, as in
 * any app that bundles ai-sandbox; `sw.js` comes from demo/public.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  publicDir: 'demo/public',
  build: {
    outDir: 'dist-demo',
    emptyOutDir: true,
    target: 'es2022',
    // The Pyodide files are large by nature; they are fetched once and cached by the service worker.
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { index: 'index.html', chat: 'demo/chat.html' } },
  },
});
