/**
 * The demo site's opt-in to Python packages from the Pyodide CDN, shared by the playground and the
 * chat demo and remembered in localStorage. Off by default, so the site works offline and fetches
 * nothing it was not asked to; on, Python sandboxes install what the code imports from the official
 * distribution of exactly the bundled Pyodide (numpy, pandas, matplotlib…).
 */
import { pyodideDistributionUrl, type SandboxOptions } from '../dist/index.js';

const KEY = 'ai-sandbox-demo:cdn-packages';

/** Whether the visitor opted in. */
export function packagesOptedIn(): boolean {
  try {
    return localStorage.getItem(KEY) === 'yes';
  } catch {
    return false;
  }
}

/** The Python sandbox options the opt-in adds (none when off). */
export function packageOptions(): Pick<SandboxOptions, 'packageIndexUrl' | 'autoInstall'> {
  return packagesOptedIn() ? { packageIndexUrl: pyodideDistributionUrl, autoInstall: true } : {};
}

/** Ties a checkbox to the opt-in: it shows the remembered choice, and `onChange` hears changes. */
export function bindPackagesOptIn(checkbox: HTMLInputElement, onChange: (on: boolean) => void): void {
  checkbox.checked = packagesOptedIn();
  checkbox.title = `Python installs what your code imports from ${pyodideDistributionUrl} (numpy, pandas, matplotlib…). Off: nothing is fetched from anywhere.`;
  checkbox.addEventListener('change', () => {
    try {
      localStorage.setItem(KEY, checkbox.checked ? 'yes' : 'no');
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
    onChange(checkbox.checked);
  });
}
