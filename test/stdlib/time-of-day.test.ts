/**
 * time_of_day in an IANA time zone, across DST transitions, against an independent computation:
 * Intl.DateTimeFormat's wall-clock hour, minute and second of the absolute instant (time base +
 * ts), plus the sub-second part. The operator itself asks Intl only for offsets at segment
 * boundaries and computes every update from its segment; the oracle formats every instant.
 */
import { describe, expect, it } from "vitest";
import * as S from "../../stdlib/index.js";
import { Rng } from "./streams.js";

const SEC = 1_000_000_000;
const H = 3600 * SEC;
const DAY = 24 * H;

/** Wall-clock time of day (ns) of the absolute instant base + ts in `zone`, formatted by Intl. */
function oracle(fmt: Intl.DateTimeFormat, base: bigint, ts: number): number {
  const abs = base + BigInt(ts);
  const ms = abs / 1_000_000n;
  const subSecond = Number(abs - (abs / 1_000_000_000n) * 1_000_000_000n);
  const parts = fmt.formatToParts(new Date(Number(ms)));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
  return ((get("hour") * 60 + get("minute")) * 60 + get("second")) * SEC + subSecond;
}

function formatter(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", hour: "numeric", minute: "numeric", second: "numeric" });
}

/** ns since the epoch of an ISO instant. */
const epochNs = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

describe("time_of_day in a time zone", () => {
  const zones = ["America/Chicago", "America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC"];

  for (const zone of zones) {
    it(`${zone}: every update over a year (random steps, crossing each transition) matches Intl`, () => {
      const base = epochNs("2024-01-01T00:00:00Z") + 123_456_789n;
      const tod = new S.TimeOfDay(0, zone, base);
      const fmt = formatter(zone);
      const rng = new Rng(zone.length * 7919);
      let ts = 0;
      let checked = 0;
      while (ts < 370 * DAY) {
        // Mostly minutes to hours apart, sometimes a few ns (sub-second parts must survive).
        ts += rng.next() < 0.2 ? 1 + rng.int(1000) : Math.floor(rng.next() * 6 * H) + 1;
        tod.update(ts);
        expect(tod.ready).toBe(true);
        const want = oracle(fmt, base, ts);
        if (tod.value !== want) expect(`${zone} ts=${ts}: ${tod.value}`).toBe(`${zone} ts=${ts}: ${want}`);
        checked++;
      }
      expect(checked).toBeGreaterThan(2000);
    });
  }

  it("America/Chicago: second by second around the spring and autumn transitions of 2024 and 2025", () => {
    const base = epochNs("2024-03-01T00:00:00Z");
    const tod = new S.TimeOfDay(0, "America/Chicago", base);
    const fmt = formatter("America/Chicago");
    // 2:00 CST -> 3:00 CDT on 2024-03-10 (08:00Z); 2:00 CDT -> 1:00 CST on 2024-11-03 (07:00Z);
    // 2025-03-09 08:00Z and 2025-11-02 07:00Z.
    for (const iso of ["2024-03-10T08:00:00Z", "2024-11-03T07:00:00Z", "2025-03-09T08:00:00Z", "2025-11-02T07:00:00Z"]) {
      const at = Number(epochNs(iso) - base);
      for (let ts = at - 90 * SEC; ts <= at + 90 * SEC; ts += SEC / 2) {
        tod.update(ts);
        expect(tod.value).toBe(oracle(fmt, base, ts));
      }
    }
    // The wall clock jumps: 01:59:59.5 CST is followed by 03:00:00 CDT in spring.
    const spring = Number(epochNs("2024-03-10T08:00:00Z") - base);
    tod.update(spring - SEC / 2);
    expect(tod.value).toBe(H + 59 * 60 * SEC + 59.5 * SEC);
    tod.update(spring);
    expect(tod.value).toBe(3 * H);
    expect(tod.clock.offsetNs).toBe(-5 * H);
    // Each transition opens one new segment (plus the first, and renewals going backwards).
    expect(tod.clock.segments).toBeLessThan(20);
  });

  it("a fixed offset ignores DST; a zone and an offset together, or an unknown zone, are refused", () => {
    const base = epochNs("2024-07-01T00:00:00Z");
    const fixed = new S.TimeOfDay(-6 * H, "", base);
    fixed.update(14 * H);
    expect(fixed.value).toBe(8 * H);
    const zoned = new S.TimeOfDay(0, "America/Chicago", base);
    zoned.update(14 * H);
    expect(zoned.value).toBe(9 * H);
    expect(() => new S.TimeOfDay(-6 * H, "America/Chicago", base)).toThrow(/either a time zone or a utc_offset/);
    expect(() => new S.TimeOfDay(0, "America/Chikago", base)).toThrow(/unknown time zone "America\/Chikago"/);
  });

  it("time running backwards (a second source) is located again", () => {
    const base = epochNs("2024-03-09T00:00:00Z");
    const tod = new S.TimeOfDay(0, "Europe/London", base);
    const fmt = formatter("Europe/London");
    for (const ts of [30 * DAY, 2 * DAY, 40 * DAY, 0, 17 * DAY + 3]) {
      tod.update(ts);
      expect(tod.value).toBe(oracle(fmt, base, ts));
    }
  });
});

describe("time_of_day's time base", () => {
  it("attachTimeBase (what generated code calls in onStart) gives the same clock as the constructor argument", () => {
    const base = epochNs("2024-11-02T21:17:00Z") + 5n;
    const a = new S.TimeOfDay(0, "America/New_York", base);
    const b = new S.TimeOfDay(0, "America/New_York");
    b.attachTimeBase(base);
    const c = new S.TimeOfDay(-4 * H);
    c.attachTimeBase(base);
    const fmt = formatter("America/New_York");
    for (let ts = 0; ts < 3 * DAY; ts += 7 * 60 * SEC + 13) {
      a.update(ts);
      b.update(ts);
      c.update(ts);
      expect(b.value).toBe(a.value);
      expect(a.value).toBe(oracle(fmt, base, ts));
      // The fixed offset keeps -4h across the 2024-11-03 transition.
      const d = BigInt(DAY);
      expect(c.value).toBe(Number((((base + BigInt(ts) - BigInt(4 * H)) % d) + d) % d));
    }
  });
});
