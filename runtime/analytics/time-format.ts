/**
 * Time formatting for reports (end-of-run code): ISO-8601 with nanoseconds from (time base, ts),
 * and short human durations ("250us", "1h 5m 3s").
 */

/** Nanoseconds since the Unix epoch of `ts` ns after `timeBase`, exact (as decimal digits). */
export function epochNsText(timeBase: bigint, ts: number): string {
  return (timeBase + BigInt(Math.round(ts))).toString();
}

/** ISO-8601 UTC with nanosecond precision for `ts` ns after `timeBase` (ns since the Unix epoch). */
export function isoFromNs(timeBase: bigint, ts: number): string {
  const abs = timeBase + BigInt(Math.round(ts));
  const seconds = abs / 1_000_000_000n;
  let nanos = abs % 1_000_000_000n;
  let secs = seconds;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    secs -= 1n;
  }
  const date = new Date(Number(secs) * 1000).toISOString(); // "YYYY-MM-DDTHH:MM:SS.000Z"
  return `${date.slice(0, 19)}.${nanos.toString().padStart(9, "0")}Z`;
}

/** A duration in ns as a short human string: "0s", "850ns", "250us", "1.5ms", "12.3s", "5m 3s", "2h 5m", "3d 4h". */
export function formatDurationNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const sign = ns < 0 ? "-" : "";
  const a = Math.abs(ns);
  if (a === 0) return "0s";
  if (a < 1e3) return `${sign}${round3(a)}ns`;
  if (a < 1e6) return `${sign}${round3(a / 1e3)}us`;
  if (a < 1e9) return `${sign}${round3(a / 1e6)}ms`;
  if (a < 60e9) return `${sign}${round3(a / 1e9)}s`;
  const totalS = Math.floor(a / 1e9);
  const d = Math.floor(totalS / 86400);
  const h = Math.floor((totalS % 86400) / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${m}m`;
  return `${sign}${m}m ${s}s`;
}

function round3(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
