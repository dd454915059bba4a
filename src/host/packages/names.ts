/** Package names as PEP 503 compares them, and requests that name a wheel by URL instead. */

/** PEP 503 normalization, under which `Foo.Bar`, `foo-bar` and `foo_bar` are one project. */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** Whether a request names a wheel by URL (or path) rather than a package. */
export const isWheelUrl = (s: string): boolean => !/\s/.test(s) && (/^(https?:|blob:|\.{0,2}\/)/.test(s) || s.endsWith('.whl'));
