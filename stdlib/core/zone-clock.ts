/**
 * PER-EVENT CODE: push() runs on every update and allocates nothing, except at the start and at a
 * UTC-offset change of the time zone (a DST transition: twice a year in most zones), where it asks
 * Intl for the offset and the next transition (a few hundred Intl calls, once per transition).
 *
 * ZoneClock: the wall-clock time of day, in a fixed UTC offset or in an IANA time zone
 * ("America/Chicago"), of event times given as ns since a time base (an absolute ns epoch, see
 * runtime/events.ts). The run is cut into segments of constant UTC offset: within a segment the
 * time of day is (ts mod 24h + shift) mod 24h with shift = (timeBase + offset) mod 24h computed
 * once with bigints, so no absolute time (beyond 2^53 ns) is ever held in a double.
 */

/** Nanoseconds in a day. */
export const DAY_NS = 86_400 * 1e9;
const DAY_NS_BIG = 86_400_000_000_000n;
const DAY_MS = 86_400_000;
/** How far ahead a transition is searched for before the segment is simply renewed. */
const HORIZON_DAYS = 400;

/** Wall-clock time of day in a fixed offset or a time zone (see the file comment). */
export class ZoneClock {
  /** IANA time zone name, or "" for a fixed offset. */
  readonly timeZone: string;
  /** Time of day of the last push, ns in [0, 24h). */
  timeOfDay = Number.NaN;
  /** UTC offset in force at the last push, ns (local = UTC + offset). */
  offsetNs = 0;
  /** Number of offset segments located so far (1 + the transitions crossed). */
  segments = 0;
  private readonly timeBase: bigint;
  private readonly baseMs: number;
  private readonly format: Intl.DateTimeFormat | undefined;
  /** The current segment [segStart, segEnd) in ns since the time base, and its day shift. */
  private segStart = Number.POSITIVE_INFINITY;
  private segEnd = Number.NEGATIVE_INFINITY;
  private shift = 0;
  private inTs = Number.NaN;

  /**
   * `timeZone` "" means the fixed `utcOffsetNs`; otherwise an IANA name (RangeError when unknown)
   * and `utcOffsetNs` must be 0. `timeBase` is the absolute time of ts = 0, ns since the Unix epoch.
   */
  constructor(timeZone = "", utcOffsetNs = 0, timeBase: bigint | number = 0n) {
    this.timeZone = timeZone;
    this.timeBase = typeof timeBase === "bigint" ? timeBase : BigInt(Math.round(timeBase));
    this.baseMs = Number(this.timeBase / 1_000_000n);
    if (!Number.isFinite(utcOffsetNs)) throw new RangeError(`utc_offset must be a finite duration, got ${utcOffsetNs}`);
    if (timeZone === "") {
      this.format = undefined;
      this.offsetNs = utcOffsetNs;
      this.segStart = Number.NEGATIVE_INFINITY;
      this.segEnd = Number.POSITIVE_INFINITY;
      this.shift = this.dayShift(BigInt(Math.round(utcOffsetNs)));
      this.segments = 1;
      return;
    }
    if (utcOffsetNs !== 0) throw new RangeError("give either a time zone or a utc_offset, not both");
    try {
      this.format = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new RangeError(`unknown time zone "${timeZone}" (expected an IANA name such as "America/Chicago")`);
    }
  }

  /** Reads the clock at ts (ns since the time base): sets timeOfDay and offsetNs. */
  push(ts: number): void {
    this.inTs = ts;
    this.step();
  }

  private step(): void {
    const ts = this.inTs;
    if (!(ts >= this.segStart && ts < this.segEnd)) this.locate();
    const t = (ts % DAY_NS) + this.shift;
    this.timeOfDay = t >= DAY_NS ? t - DAY_NS : t < 0 ? t + DAY_NS : t;
  }

  /** (timeBase + offset) mod 24h, in [0, 24h). */
  private dayShift(offsetNs: bigint): number {
    return Number((((this.timeBase + offsetNs) % DAY_NS_BIG) + DAY_NS_BIG) % DAY_NS_BIG);
  }

  /** Finds the offset segment holding inTs (allocates: Intl; only at the start and at transitions). */
  private locate(): void {
    const ts = this.inTs;
    if (ts !== ts) {
      this.segStart = Number.POSITIVE_INFINITY;
      this.segEnd = Number.NEGATIVE_INFINITY;
      return;
    }
    // Whole seconds throughout: offsets are read per second and zones change on whole seconds.
    const atMs = Math.floor((this.baseMs + ts / 1e6) / 1000) * 1000;
    const offMs = this.offsetMsAt(atMs);
    // The next change of offset: probe day by day, then bisect to the second (zones change on
    // whole seconds).
    let lo = atMs;
    let hi = Number.NaN;
    for (let d = 1; d <= HORIZON_DAYS; d++) {
      const probe = atMs + d * DAY_MS;
      if (this.offsetMsAt(probe) !== offMs) {
        hi = probe;
        break;
      }
      lo = probe;
    }
    let endMs: number;
    if (hi !== hi) endMs = lo;
    else {
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (this.offsetMsAt(mid) === offMs) lo = mid;
        else hi = mid;
      }
      endMs = hi;
    }
    const offNs = BigInt(offMs) * 1_000_000n;
    this.offsetNs = Number(offNs);
    this.shift = this.dayShift(offNs);
    this.segStart = ts;
    this.segEnd = Number(BigInt(endMs) * 1_000_000n - this.timeBase);
    this.segments++;
  }

  /** The zone's UTC offset at an instant (ms since the epoch), in ms. */
  private offsetMsAt(ms: number): number {
    const sec = Math.floor(ms / 1000) * 1000;
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    for (const p of this.format!.formatToParts(new Date(sec))) {
      const v = Number(p.value);
      if (p.type === "year") y = v;
      else if (p.type === "month") mo = v;
      else if (p.type === "day") d = v;
      else if (p.type === "hour") h = v;
      else if (p.type === "minute") mi = v;
      else if (p.type === "second") s = v;
    }
    const local = Date.UTC(y, mo - 1, d, h, mi, s);
    // Date.UTC maps years 0..99 to 1900..1999; set the year explicitly for those.
    const fixed = y >= 0 && y < 100 ? new Date(local).setUTCFullYear(y) : local;
    return fixed - sec;
  }
}
