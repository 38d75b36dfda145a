/**
 * Parsing of the configuration's value forms: durations ("250us", "1.5ms", "1s") and timestamps
 * ("2024-01-02T14:30:00.123456789Z", "2024-01-02"), exactly (timestamps as bigint ns since the epoch).
 */

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A duration like "250us" in integer nanoseconds, or null when the text is not a duration. */
export function parseDurationNs(text: string): number | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)$/.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT_NS[m[2]!]!);
}

/**
 * A timestamp in ns since the Unix epoch: "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS[.fffffffff]]"
 * with "Z" or "±HH:MM" (UTC when absent), or an integer of nanoseconds since the epoch. Returns null
 * when malformed or not a real date.
 */
export function parseTimestampNs(text: string): bigint | null {
  if (/^[0-9]{1,19}$/.test(text.trim())) return BigInt(text.trim());
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, hh = "0", mm = "0", ss = "0", frac = "", zone = "Z"] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mm), Number(ss));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return null;
  let ns = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, "0") || "0");
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const offMin = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * offMin * 60_000_000_000n;
  }
  return ns;
}
