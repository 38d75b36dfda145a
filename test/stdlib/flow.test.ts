/**
 * Trade-driven operators against independent naive recomputations (plain loops over the window)
 * on random trade tapes: prices on a tick grid with jumps, sizes from 1 to 2e9 with constant runs,
 * unknown aggressors, repeated timestamps.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Side, type InstrumentInfo } from "../../runtime/events.js";
import { TimeRing } from "../../stdlib/flow/time-ring.js";
import { SizeQuantiles, SMALL_SIZE_LIMIT } from "../../stdlib/flow/size-quantiles.js";
import {
  BarClose,
  BarHigh,
  BarLow,
  BarOpen,
  BarVolume,
  FlowBlock,
  FlowBlockTime,
  FlowCvd,
  FlowIntensity,
  FlowIntensityTime,
  FlowLastPrice,
  FlowLastSize,
  FlowSignedVolume,
  FlowSignedVolumeTime,
  FlowVolumeProfile,
  FlowVolumeProfileTime,
  FlowVwap,
  FlowVwapTime,
} from "../../stdlib/index.js";

const INST: InstrumentInfo = {
  index: 0,
  symbol: "ESZ4",
  sourceId: 0,
  priceScale: 1e-9,
  tickSize: 250_000_000, // 0.25
  multiplier: 50,
};
const TICK = 0.25;

interface Trade {
  price: number;
  size: number;
  aggressor: Side;
  ts: number;
}

const sizeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1_000_000, max: 2_000_000_000 }) },
  { weight: 1, arbitrary: fc.constant(1) },
);
const stepArb = fc.record({
  move: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -2, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: -40, max: 40 }) }),
  size: sizeArb,
  aggressor: fc.constantFrom(Side.Bid, Side.Ask, Side.None),
  gap: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 20_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 20_000_000, max: 2_000_000_000 }) },
  ),
  repeat: fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 40 }) }),
});

/** A tape: a random walk on the tick grid around 4500; runs repeat a trade exactly. */
const TAPE = fc.array(stepArb, { minLength: 2500, maxLength: 3500 }).map((steps) => {
  const out: Trade[] = [];
  let ticks = 18_000;
  let ts = 0;
  for (const s of steps) {
    ticks = Math.max(100, ticks + s.move);
    for (let r = 0; r < s.repeat; r++) {
      ts += s.gap;
      out.push({ price: ticks * TICK, size: s.size, aggressor: s.aggressor, ts });
    }
  }
  return out;
});

const RUNS = { numRuns: 14, seed: 99 } as const;

function expectClose(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    if (!Number.isNaN(actual)) expect.fail(`${what}: expected NaN, got ${actual}`);
    return;
  }
  const tol = 1e-9 * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-300;
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${what}: expected ${expected}, got ${actual}`);
}

/** Indices of the trades in the time window (ts in (now − T, now]) ending at k. */
function timeWindow(tape: Trade[], k: number, T: number, includeCurrent = true): number[] {
  const idx: number[] = [];
  for (let j = includeCurrent ? k : k - 1; j >= 0 && tape[j].ts > tape[k].ts - T; j--) idx.push(j);
  return idx.reverse();
}

/** Indices of the last n trades ending at k. */
function countWindow(k: number, n: number): number[] {
  const idx: number[] = [];
  for (let j = Math.max(0, k - n + 1); j <= k; j++) idx.push(j);
  return idx;
}

function naiveVwap(tape: Trade[], idx: number[]): number {
  let pq = 0;
  let q = 0;
  for (const j of idx) {
    pq += tape[j].price * tape[j].size;
    q += tape[j].size;
  }
  return q > 0 ? pq / q : Number.NaN;
}

/** Type-7 quantile of a list (sorted copy). */
function naiveQuantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = q * (s.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** The documented profile: Map bucket → volume; poc ties lower; value area grows by the larger neighbour. */
function naiveProfile(tape: Trade[], idx: number[], va: number): { poc: number; pocVol: number; hi: number; lo: number } {
  const m = new Map<number, number>();
  let total = 0;
  for (const j of idx) {
    const b = Math.round(tape[j].price / TICK);
    m.set(b, (m.get(b) ?? 0) + tape[j].size);
    total += tape[j].size;
  }
  const levels = [...m.entries()].filter(([, v]) => v > 0).sort((x, y) => x[0] - y[0]);
  if (levels.length === 0) return { poc: Number.NaN, pocVol: Number.NaN, hi: Number.NaN, lo: Number.NaN };
  let p = 0;
  for (let i = 1; i < levels.length; i++) if (levels[i][1] > levels[p][1]) p = i;
  let a = p;
  let b = p;
  let acc = levels[p][1];
  while (acc < va * total && (a > 0 || b < levels.length - 1)) {
    const up = b < levels.length - 1 ? levels[b + 1][1] : -1;
    const down = a > 0 ? levels[a - 1][1] : -1;
    if (up >= down) acc += levels[++b][1];
    else acc += levels[--a][1];
  }
  return { poc: levels[p][0] * TICK, pocVol: levels[p][1], hi: levels[b][0] * TICK, lo: levels[a][0] * TICK };
}

describe("simple trade operators", () => {
  it("last price/size, cvd, signed volume and intensity (count and time)", () => {
    let total = 0;
    fc.assert(
      fc.property(TAPE, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3_000_000_000 }), (tape, n, T) => {
        const lp = new FlowLastPrice(INST);
        const ls = new FlowLastSize(INST);
        const cvd = new FlowCvd(INST);
        const sv = new FlowSignedVolume(INST, n);
        const svT = new FlowSignedVolumeTime(INST, T);
        const n2 = Math.max(2, n);
        const it = new FlowIntensity(INST, n2);
        const itT = new FlowIntensityTime(INST, T);
        expect(cvd.value).toBe(0);
        expect(lp.value).toBeNaN();
        let cum = 0;
        tape.forEach((t, k) => {
          for (const op of [lp, ls, cvd, sv, svT, it, itT]) op.onTrade(t.price, t.size, t.aggressor, t.ts);
          expect(lp.value).toBe(t.price);
          expect(ls.value).toBe(t.size);
          cum += t.aggressor * t.size;
          expect(cvd.value).toBe(cum);
          const signed = (idx: number[]): number => idx.reduce((s, j) => s + tape[j].aggressor * tape[j].size, 0);
          if (k + 1 >= n) expect(sv.value).toBe(signed(countWindow(k, n)));
          else expect(sv.ready).toBe(false);
          const spanned = t.ts - tape[0].ts >= T;
          const inWindow = spanned ? timeWindow(tape, k, T) : [];
          expect(svT.ready).toBe(spanned);
          if (spanned) expect(svT.value).toBe(signed(inWindow));
          if (k + 1 >= n2) {
            const span = (t.ts - tape[k - n2 + 1].ts) / 1e9;
            expectClose(it.value, span > 0 ? (n2 - 1) / span : Number.NaN, "intensity count");
          } else expect(it.ready).toBe(false);
          if (spanned) expectClose(itT.value, inWindow.length / (T / 1e9), "intensity time");
          else expect(itT.value).toBeNaN();
        });
        total += tape.length;
        cvd.reset();
        sv.reset();
        expect(cvd.value).toBe(0);
        expect(sv.ready).toBe(false);
      }),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
  });
});

describe("flow.vwap", () => {
  it("session, count and time windows match Σpq/Σq over the window", () => {
    let total = 0;
    fc.assert(
      fc.property(TAPE, fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 3_000_000_000 }), (tape, n, T) => {
        const session = new FlowVwap(INST);
        const count = new FlowVwap(INST, n);
        const timed = new FlowVwapTime(INST, T);
        let pq = 0;
        let q = 0;
        tape.forEach((t, k) => {
          session.onTrade(t.price, t.size, t.aggressor, t.ts);
          count.onTrade(t.price, t.size, t.aggressor, t.ts);
          timed.onTrade(t.price, t.size, t.aggressor, t.ts);
          pq += t.price * t.size;
          q += t.size;
          expect(session.ready).toBe(true);
          expectClose(session.value, pq / q, "session vwap");
          if (k + 1 >= n) expectClose(count.value, naiveVwap(tape, countWindow(k, n)), "count vwap");
          else expect(count.value).toBeNaN();
          if (t.ts - tape[0].ts >= T) expectClose(timed.value, naiveVwap(tape, timeWindow(tape, k, T)), "time vwap");
          else expect(timed.ready).toBe(false);
        });
        total += tape.length;
      }),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
  });

  it("stays exact after a huge trade leaves the window", () => {
    const v = new FlowVwap(INST, 3);
    const trades: [number, number][] = [
      [1e6, 2e9],
      [100.25, 1],
      [100.5, 3],
      [100.75, 2],
      [101, 1],
    ];
    trades.forEach(([p, s], i) => v.onTrade(p, s, Side.Bid, i));
    expect(v.value).toBe((100.5 * 3 + 100.75 * 2 + 101) / 6);
  });
});

describe("flow.block", () => {
  it("count and time windows match the type-7 quantile of the previous trades", () => {
    let total = 0;
    let hits = 0;
    fc.assert(
      fc.property(
        TAPE,
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 3_000_000_000 }),
        fc.constantFrom(0, 0.5, 0.9, 0.99, 1),
        fc.boolean(),
        (tape0, n, T, q, fractional) => {
          // Half the runs make every third size fractional (the sorted path beside the Fenwick tree).
          const tape = fractional ? tape0.map((t, i) => (i % 3 === 0 ? { ...t, size: t.size / 8 } : t)) : tape0;
          const count = new FlowBlock(INST, n, q);
          const timed = new FlowBlockTime(INST, T, q);
          tape.forEach((t, k) => {
            count.onTrade(t.price, t.size, t.aggressor, t.ts);
            timed.onTrade(t.price, t.size, t.aggressor, t.ts);
            if (k >= n) {
              const prev = tape.slice(k - n, k).map((x) => x.size);
              const th = naiveQuantile(prev, q);
              expect(count.ready).toBe(true);
              expectClose(count.threshold, th, "block threshold");
              expect(count.hit).toBe(t.size > th);
              if (count.hit) hits++;
            } else {
              expect(count.ready).toBe(false);
              expect(count.hit).toBe(false);
              expect(count.threshold).toBeNaN();
            }
            if (t.ts - tape[0].ts >= T) {
              const prev = timeWindow(tape, k, T, false).map((j) => tape[j].size);
              const th = naiveQuantile(prev, q);
              expectClose(timed.threshold, th, "block time threshold");
              expect(timed.hit).toBe(t.size > th);
            } else expect(timed.ready).toBe(false);
          });
          total += tape.length;
        },
      ),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
    expect(hits).toBeGreaterThan(0);
  });
});

describe("flow.volume_profile", () => {
  it("session, count and time windows match a Map-based profile", () => {
    let total = 0;
    fc.assert(
      fc.property(
        TAPE,
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 3_000_000_000 }),
        fc.constantFrom(0, 0.3, 0.7, 1),
        (tape, n, T, va) => {
          const session = new FlowVolumeProfile(INST, 0, 65_536, va);
          const count = new FlowVolumeProfile(INST, n, 65_536, va);
          const timed = new FlowVolumeProfileTime(INST, T, 65_536, va);
          tape.forEach((t, k) => {
            session.onTrade(t.price, t.size, t.aggressor, t.ts);
            count.onTrade(t.price, t.size, t.aggressor, t.ts);
            timed.onTrade(t.price, t.size, t.aggressor, t.ts);
            const check = (op: FlowVolumeProfile | FlowVolumeProfileTime, idx: number[], what: string): void => {
              const e = naiveProfile(tape, idx, va);
              expectClose(op.poc, e.poc, `${what} poc`);
              expectClose(op.poc_volume, e.pocVol, `${what} poc_volume`);
              expectClose(op.value_area_high, e.hi, `${what} value_area_high`);
              expectClose(op.value_area_low, e.lo, `${what} value_area_low`);
            };
            // The session profile is checked on a sample of steps (the naive one is O(history)).
            if (k % 97 === 0 || k === tape.length - 1) check(session, countWindow(k, k + 1), "session");
            if (k + 1 >= n) check(count, countWindow(k, n), "count");
            else expect(count.poc).toBeNaN();
            if (t.ts - tape[0].ts >= T) check(timed, timeWindow(tape, k, T), "time");
            else expect(timed.poc).toBeNaN();
          });
          expect(count.table.dropped).toBe(0);
          expect(timed.table.dropped).toBe(0);
          total += tape.length;
        },
      ),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
  });

  it("re-centres the fixed table when the occupied levels fit, drops the far levels otherwise", () => {
    const vp = new FlowVolumeProfile(INST, 3, 16, 0.9);
    vp.onTrade(100, 5, Side.Bid, 1);
    vp.onTrade(100 + 12 * TICK, 1, Side.Bid, 2); // outside [100 − 8 ticks, 100 + 8 ticks): shifts
    vp.onTrade(100 + 12 * TICK, 1, Side.Bid, 3);
    expect(vp.table.dropped).toBe(0);
    expect(vp.poc).toBe(100);
    expect(vp.poc_volume).toBe(5);
    expect(vp.value_area_low).toBe(100);
    expect(vp.value_area_high).toBe(100 + 12 * TICK);
    // 110 is 28 ticks above the 103 level still in the window: the table centres on 110 and drops 103.
    vp.onTrade(110, 7, Side.Bid, 4);
    expect(vp.table.dropped).toBe(1);
    expect(vp.poc).toBe(110);
    expect(vp.poc_volume).toBe(7);
    expect(vp.value_area_low).toBe(110);
    expect(vp.value_area_high).toBe(110);
    vp.onTrade(110, 1, Side.Bid, 5); // the dropped 103 trades leave the window without effect
    vp.onTrade(110, 1, Side.Bid, 6);
    expect(vp.poc_volume).toBe(9);
    vp.onTrade(110, 1, Side.Bid, 7);
    expect(vp.poc_volume).toBe(3);
    expect(vp.table.total).toBe(3);
  });

  it("time windows forget dropped trades too", () => {
    const vp = new FlowVolumeProfileTime(INST, 10, 16, 0.7);
    vp.onTrade(100, 5, Side.Bid, 0);
    vp.onTrade(200, 2, Side.Bid, 1);
    expect(vp.table.dropped).toBe(1);
    vp.onTrade(200, 1, Side.Bid, 10); // ready; the 100 trade (dropped) expires now
    expect(vp.poc).toBe(200);
    expect(vp.poc_volume).toBe(3);
    vp.onTrade(200, 1, Side.Bid, 11); // the first 200 trade expires
    expect(vp.poc_volume).toBe(2);
    expect(vp.table.total).toBe(2);
  });
});

describe("window internals", () => {
  it("TimeRing keeps FIFO order across growth and wrap-around", () => {
    const ring = new TimeRing(16);
    const expected: number[] = [];
    let next = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 40 }), { minLength: 50, maxLength: 400 }), (moves) => {
        for (const m of moves) {
          if (m < 0) {
            for (let k = 0; k < -m && ring.count > 0; k++) {
              expect(ring.ts[ring.head]).toBe(expected.shift());
              expect(ring.a[ring.head]).toBe(-ring.ts[ring.head]);
              ring.dropOldest();
            }
          } else {
            for (let k = 0; k < m; k++) {
              const i = ring.reserve();
              ring.ts[i] = next;
              ring.a[i] = -next;
              expected.push(next++);
            }
          }
          expect(ring.count).toBe(expected.length);
        }
      }),
      { numRuns: 50, seed: 3 },
    );
    expect(ring.capacity).toBeGreaterThan(16);
  });

  it("SizeQuantiles answers every order statistic like a sorted copy (integers, huge, fractional)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 100 }),
            fc.integer({ min: SMALL_SIZE_LIMIT - 3, max: SMALL_SIZE_LIMIT + 3 }),
            fc.integer({ min: 1, max: 2_000_000_000 }),
            fc.integer({ min: 0, max: 800 }).map((x) => x / 8),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (xs) => {
          const q = new SizeQuantiles(0.5, 4);
          const live: number[] = [];
          xs.forEach((x, i) => {
            q.arg = x;
            q.insert();
            live.push(x);
            if (i % 3 === 2) {
              q.arg = live.splice(i % live.length, 1)[0];
              q.remove();
            }
            const sorted = [...live].sort((a, b) => a - b);
            expect(q.count).toBe(sorted.length);
            for (let k = 0; k < sorted.length; k++) {
              q.kth(k);
              expect(q.kthValue).toBe(sorted[k]);
            }
            q.evaluate();
            expect(q.result).toBe(naiveQuantile(sorted, 0.5));
          });
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe("bar accessors", () => {
  it("expose the last bar's fields, NaN before the first bar", () => {
    const ops = [new BarOpen(INST), new BarHigh(INST), new BarLow(INST), new BarClose(INST), new BarVolume(INST)];
    for (const op of ops) expect(op.value).toBeNaN();
    const bars: [number, number, number, number, number][] = [
      [10, 12, 9, 11, 1000],
      [11, 11.5, 10.25, 10.5, 0],
    ];
    bars.forEach(([o, h, l, c, v], i) => {
      for (const op of ops) op.onBar(o, h, l, c, v, i);
      expect(ops.map((op) => op.value)).toEqual([o, h, l, c, v]);
      for (const op of ops) expect(op.ready).toBe(true);
    });
    for (const op of ops) op.reset();
    for (const op of ops) expect(op.ready).toBe(false);
  });
});
