/**
 * Dev-server middleware that serves the sandbox's runtime files in dist/ byte for byte. Vite would otherwise rewrite
 * dist/frame.htm like any page (injecting its client script), and the frame's CSP pins its one
 * inline script by hash. It sends the server's configured headers too (`server.headers`: the
 * isolation headers, and CORP cross-origin, without which Firefox does not load the sandbox frame
 * on the isolated playground).
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export function serveDist(): Plugin {
  return {
    name: 'ai-sandbox:serve-dist',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/dist', async (req, res, next) => {
        const path = normalize(join(dist, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
        if (!path.startsWith(dist)) return next();
        // The library's modules go through Vite like any module (the adapters import their
        // frameworks by bare name); the sandbox's runtime files (frame, workers, engines) do not.
        if (extname(path) === '.js' && !path.endsWith('worker.js')) return next();
        try {
          const body = await readFile(path);
          for (const [name, value] of Object.entries(server.config.server.headers ?? {})) if (value !== undefined) res.setHeader(name, value);
          res.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
          res.end(body);
        } catch {
          next();
        }
      });
    },
  };
}
