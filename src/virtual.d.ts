/** The guest runtime's bundled source (src/guest/install.ts as an IIFE), built by vite.config.ts. */
declare module 'virtual:guest-runtime' {
  const source: string;
  export default source;
}

/** Python source files imported as text (Vite's `?raw`). */
declare module '*.py?raw' {
  const source: string;
  export default source;
}

/** Pyodide's emscripten module factory; handed to loadPyodide so it never import()s it. */
declare module 'pyodide/pyodide.asm.mjs' {
  const createPyodideModule: (settings: object) => Promise<unknown>;
  export default createPyodideModule;
}

/** Vite's `import.meta.glob`, as the Python worker uses it: eager, as text. */
interface ImportMeta {
  glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
}
