/**
 * Byte-level field parsers for the CSV reader: fixed-point decimals, epoch and ISO-8601
 * timestamps, sides. PER-EVENT CODE: they read a byte range of the line buffer and return numbers;
 * no strings, no allocation. Failures return NaN (or a negative code) and the caller reports the
 * file:line:column.
 */

/** Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A decimal ("-12.3400") as an integer in units of 10^-decimals, exact (no float parsing).
 * NaN when malformed, when it has more significant decimals than allowed, or beyond 2^53.
 */
export function parseFixed(b: Uint8Array, s: number, e: number, decimals: number): number {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 45 || b[i] === 43)) {
    neg = b[i] === 45;
    i++;
  }
  let intPart = 0;
  let digits = 0;
  while (i < e && b[i] >= 48 && b[i] <= 57) {
    intPart = intPart * 10 + (b[i] - 48);
    i++;
    digits++;
  }
  let frac = 0;
  let fd = 0;
  if (i < e && b[i] === 46) {
    i++;
    while (i < e && b[i] >= 48 && b[i] <= 57) {
      const d = b[i] - 48;
      if (fd < decimals) {
        frac = frac * 10 + d;
        fd++;
      } else if (d !== 0) return Number.NaN; // more precision than the scale holds
      i++;
      digits++;
    }
  }
  if (i !== e || digits === 0) return Number.NaN;
  const v = intPart * POW10[decimals] + frac * POW10[decimals - fd];
  if (!(v <= 9007199254740991)) return Number.NaN;
  return neg ? -v : v;
}

/**
 * A timestamp field → ns since the time base (`baseSec` = time base in whole seconds since the
 * epoch). Accepts:
 * - epoch numbers, unit by the count of integer digits: ≤ 11 seconds, 12-14 milliseconds,
 *   15-17 microseconds, ≥ 18 nanoseconds (a fraction is allowed, down to the nanosecond);
 * - ISO-8601 `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fffffffff]]` (`T` or space), followed by `Z`,
 *   `±HH:MM`, `±HHMM`, `±HH` or nothing (= UTC).
 * Returns NaN when malformed.
 */
export function parseTimestamp(b: Uint8Array, s: number, e: number, baseSec: number): number {
  if (e - s >= 10 && b[s + 4] === 45) return parseIso(b, s, e, baseSec);
  let i = s;
  let intDigits = 0;
  while (i < e && b[i] >= 48 && b[i] <= 57) {
    i++;
    intDigits++;
  }
  const intEnd = i;
  let fracStart = -1;
  if (i < e && b[i] === 46) {
    i++;
    fracStart = i;
    while (i < e && b[i] >= 48 && b[i] <= 57) i++;
  }
  if (i !== e || intDigits === 0) return Number.NaN;
  const unitExp = intDigits <= 11 ? 0 : intDigits <= 14 ? 3 : intDigits <= 17 ? 6 : 9;
  // whole seconds = leading (intDigits - unitExp) digits; the rest (plus the fraction) are sub-second
  const secDigits = intDigits - unitExp;
  let sec = 0;
  for (let k = s; k < s + secDigits; k++) sec = sec * 10 + (b[k] - 48);
  let ns = 0;
  let nd = 0;
  for (let k = s + secDigits; k < intEnd; k++, nd++) ns = ns * 10 + (b[k] - 48);
  if (fracStart >= 0) {
    for (let k = fracStart; k < e && nd < 9; k++, nd++) ns = ns * 10 + (b[k] - 48);
  }
  ns *= POW10[9 - nd];
  return (sec - baseSec) * 1e9 + ns;
}

function num(b: Uint8Array, s: number, n: number): number {
  let v = 0;
  for (let k = s; k < s + n; k++) {
    const d = b[k] - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}

function parseIso(b: Uint8Array, s: number, e: number, baseSec: number): number {
  const y = num(b, s, 4);
  const mo = num(b, s + 5, 2);
  const d = num(b, s + 8, 2);
  if (b[s + 7] !== 45 || !(mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  let sec = daysFromCivil(y, mo, d) * 86400;
  let i = s + 10;
  let ns = 0;
  if (i < e) {
    if (b[i] !== 84 && b[i] !== 32 && b[i] !== 116) return Number.NaN; // T, space, t
    const h = num(b, i + 1, 2);
    const mi = num(b, i + 4, 2);
    if (b[i + 3] !== 58 || !(h <= 23 && mi <= 59)) return Number.NaN;
    sec += h * 3600 + mi * 60;
    i += 6;
    if (i < e && b[i] === 58) {
      const ss = num(b, i + 1, 2);
      if (!(ss <= 60)) return Number.NaN;
      sec += ss;
      i += 3;
      if (i < e && (b[i] === 46 || b[i] === 44)) {
        i++;
        let nd = 0;
        while (i < e && b[i] >= 48 && b[i] <= 57) {
          if (nd < 9) {
            ns = ns * 10 + (b[i] - 48);
            nd++;
          }
          i++;
        }
        if (nd === 0) return Number.NaN;
        ns *= POW10[9 - nd];
      }
    }
    if (i < e) {
      const c = b[i];
      if (c === 90 || c === 122) i++; // Z
      else if (c === 43 || c === 45) {
        const oh = num(b, i + 1, 2);
        let om = 0;
        let j = i + 3;
        if (j < e && b[j] === 58) j++;
        if (j + 2 <= e) {
          om = num(b, j, 2);
          j += 2;
        }
        if (!(oh <= 23 && om <= 59)) return Number.NaN;
        const off = oh * 3600 + om * 60;
        sec += c === 43 ? -off : off;
        i = j;
      }
    }
    if (i !== e) return Number.NaN;
  }
  return (sec - baseSec) * 1e9 + ns;
}

/** Side field → 1 (buy/bid), -1 (sell/ask), 0 (none/empty), or 2 when unrecognised. */
export function parseSide(b: Uint8Array, s: number, e: number): number {
  if (s === e) return 0;
  const c = b[s] | 0x20; // lower case
  if (c === 0x62) return 1; // b: B, BUY, BID
  if (c === 0x73 || c === 0x61) return -1; // s: S, SELL; a: A, ASK
  if (c === 0x6e) return 0; // n: N, NONE
  if (b[s] === 49 && e - s === 1) return 1; // "1"
  if (b[s] === 45 && e - s === 2 && b[s + 1] === 49) return -1; // "-1"
  if (b[s] === 48 && e - s === 1) return 0; // "0"
  return 2;
}
