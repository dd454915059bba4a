/**
 * The Python package options of `createSandbox` (`packages`, `allowPackages`, `packageLimits`,
 * `autoInstall`, `micropip`), checked as every option is: a mistake throws a `TypeError` or
 * `RangeError` that names it.
 */
import type { Language, PackageLimits } from '../../shared/types.js';
import type { PackageAllowance } from '../egress-gate.js';
import { checkKeys, numberOption } from '../option-checks.js';
import { normalizeName } from './names.js';

/** `packageLimits`' defaults (README: Limits and defaults). */
export const PACKAGE_LIMITS_DEFAULTS = { maxInstallsPerRun: 10, maxProjectsPerRun: 100, maxInstallBytes: 512 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 } as const;
const PACKAGE_LIMIT_KEYS = new Set(Object.keys(PACKAGE_LIMITS_DEFAULTS));

/** Checks `allowPackages`: `'any'`, a list of project names, or a predicate; as a predicate on normalized names. */
export function allowPackages(where: string, language: Language, value: unknown): PackageAllowance | undefined {
  if (value === undefined) return undefined;
  if (language !== 'python') throw new TypeError(`${where}: allowPackages is for Python sandboxes`);
  if (value === 'any') return () => true;
  if (typeof value === 'function') {
    const allows = value as (name: string) => unknown;
    return (name) => {
      try {
        return allows(name) === true;
      } catch {
        return false;
      }
    };
  }
  if (Array.isArray(value) && value.every((n) => typeof n === 'string' && /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(n))) {
    const names = new Set(value.map(normalizeName));
    return (name) => names.has(name);
  }
  throw new TypeError(`${where}: allowPackages must be 'any', an array of project names (e.g. ["tabulate", "attrs"]) or a function (name) => boolean`);
}

/** Checks `packageLimits`: whole numbers within bounds, defaults for the rest. */
export function packageLimits(where: string, value: unknown): Required<PackageLimits> {
  if (value === undefined) return { ...PACKAGE_LIMITS_DEFAULTS };
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: packageLimits must be an object`);
  checkKeys(where, value, PACKAGE_LIMIT_KEYS, 'packageLimits field');
  const v = value as Record<string, unknown>;
  const limit = (name: keyof PackageLimits, max: number) => numberOption(where, `packageLimits.${name}`, v[name], PACKAGE_LIMITS_DEFAULTS[name], { min: 0, max, integer: true });
  return {
    maxInstallsPerRun: limit('maxInstallsPerRun', 10_000),
    maxProjectsPerRun: limit('maxProjectsPerRun', 100_000),
    maxInstallBytes: limit('maxInstallBytes', 2 ** 32),
    maxTotalBytes: limit('maxTotalBytes', 2 ** 34),
  };
}

/** Checks `autoInstall`: Python only, and only with a distribution to install from. */
export function autoInstall(where: string, language: Language, value: unknown, indexUrl: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true) throw new TypeError(`${where}: autoInstall must be a boolean, got ${JSON.stringify(value)}`);
  if (language !== 'python') throw new TypeError(`${where}: autoInstall is for Python sandboxes`);
  if (indexUrl === undefined) throw new TypeError(`${where}: autoInstall needs a packageIndexUrl to install from (e.g. pyodideDistributionUrl)`);
  return true;
}

/** Checks `micropip`: Python only, and only with an index to install from. */
export function micropip(where: string, language: Language, value: unknown, indexUrl: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true) throw new TypeError(`${where}: micropip must be a boolean, got ${JSON.stringify(value)}`);
  if (language !== 'python') throw new TypeError(`${where}: micropip is for Python sandboxes`);
  if (indexUrl === undefined) throw new TypeError(`${where}: micropip needs a packageIndexUrl or a pypiIndexUrl to install from`);
  return true;
}

/** Checks a list of package names or wheel URLs. */
export function packageList(where: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'string' && n.trim() !== '')) {
    throw new TypeError(`${where}: packages must be an array of package names or wheel URLs`);
  }
  return value.map((n: string) => n.trim());
}
