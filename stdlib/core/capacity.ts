/**
 * Capacity rules shared by the window structures of stdlib/core.
 */

/** Default initial capacity (samples) of a duration window's ring buffer: 65,536. */
export const DEFAULT_TIME_CAPACITY = 1 << 16;

/** The smallest power of two >= n (and >= 2). */
export function powerOfTwoAtLeast(n: number): number {
  let c = 2;
  while (c < n) c *= 2;
  return c;
}

/** Checks a count window size; throws RangeError for a non-integer or a value below `min`. */
export function checkCount(name: string, n: number, min = 1): number {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
  return n;
}

/** Checks a duration in ns; throws RangeError unless it is a positive finite number. */
export function checkDuration(name: string, ns: number): number {
  if (!(ns > 0) || !Number.isFinite(ns)) throw new RangeError(`${name} must be a positive duration in ns, got ${ns}`);
  return ns;
}
