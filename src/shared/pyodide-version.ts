/**
 * The Pyodide release the library bundles (the `pyodide` package; the build refuses another, see
 * scripts/vite-plugins.ts), and the official distribution of that exact release.
 */

/** The bundled Pyodide's version. */
export const PYODIDE_VERSION = '314.0.7';

/**
 * The official Pyodide distribution (jsDelivr's CDN) of exactly the bundled release: pass it as
 * `packageIndexUrl` to opt in to Pyodide's whole package set (numpy, pandas, matplotlib…):
 *
 * ```ts
 * createSandbox({ language: 'python', packageIndexUrl: pyodideDistributionUrl, packages: ['pandas'] });
 * ```
 *
 * Nothing is fetched from it unless an app sets it. The host page fetches the lock file and the
 * wheels (the page's CSP needs `connect-src https://cdn.jsdelivr.net`) and checks each wheel
 * against the lock file's sha256 before the sandbox gets it.
 */
export const pyodideDistributionUrl = `https://cdn.jsdelivr.net/pyodide/v${PYODIDE_VERSION}/full/`;
