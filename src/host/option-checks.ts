/** The checks every option goes through: known keys only, and numbers of the right type and range. */

/** Refuses a key that is not `known`, naming the ones that are. */
export function checkKeys(where: string, value: object, known: Set<string>, noun = 'option'): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new TypeError(`${where}: unknown ${noun} "${key}" (known: ${[...known].join(', ')})`);
  }
}

/** The range a numeric option takes; `infinite` lets `Infinity` through (meaning "never"). */
export interface NumberSpec {
  min: number;
  max: number;
  integer: boolean;
  infinite?: boolean;
}

/** The one check of every numeric option: its type, then its range. */
export function numberOption(where: string, name: string, value: unknown, fallback: number, spec: NumberSpec): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${typeof value}`);
  const inRange = Number.isFinite(value) && value >= spec.min && value <= spec.max && (!spec.integer || Number.isInteger(value));
  if (!inRange && !(spec.infinite && value === Infinity)) {
    const range = spec.max === Infinity ? `of at least ${spec.min}` : `from ${spec.min} to ${spec.max}`;
    throw new RangeError(`${where}: ${name} must be ${spec.integer ? 'an integer' : 'a number'} ${range}, got ${value}`);
  }
  return value;
}
