/** The guest runtime's bundled source (src/guest/install.ts as an IIFE), built by vite.config.ts. */
declare module 'virtual:guest-runtime' {
  const source: string;
  export default source;
}
