/**
 * The public PyPI's JSON API, for `pypiIndexUrl`: pure-Python wheels of the projects the Pyodide
 * distribution lacks. Nothing is fetched from it unless an app passes it.
 *
 * ```ts
 * createSandbox({ language: 'python', pypiIndexUrl: pypiUrl, packages: ['tabulate'] });
 * ```
 */
export const pypiUrl = 'https://pypi.org/pypi/';
