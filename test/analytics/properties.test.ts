/**
 * Property tests (fast-check) of the recorder and the metric functions against naive recomputations:
 * - for any sequence of fills that ends flat, the round trips' net P&L sums to the naive ledger's
 *   equity change, gross minus fees is net, FIFO lots are all closed, positions match;
 * - the grid statistics equal a brute-force walk over every grid point;
 * - drawdown equals an O(n²) search over all (peak, later trough) pairs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawdownStats, gridReturnStats } from "../../runtime/analytics/metrics.js";
import { TradeCol } from "../../runtime/analytics/recorder.js";
import { runScript, testInstrument } from "./scenario.js";
import type { Step } from "./scenario.js";

const fillArb = fc.record({
  inst: fc.integer({ min: 0, max: 1 }),
  side: fc.constantFrom(1 as const, -1 as const),
  qty: fc.integer({ min: 1, max: 5 }),
  px: fc.integer({ min: 9_000, max: 11_000 }),
  fee: fc.integer({ min: -3, max: 10 }).map((x) => x / 10),
  dt: fc.integer({ min: 1, max: 3000 }),
  mark: fc.option(fc.integer({ min: 9_000, max: 11_000 }), { nil: undefined }),
});

describe("recorder vs naive ledger", () => {
  it("closed round trips account for every cent when the run ends flat", () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), (fills) => {
        const steps: Step[] = [];
        let ts = 0;
        const pos = [0, 0];
        for (const f of fills) {
          ts += f.dt;
          if (f.mark !== undefined) steps.push({ ts, kind: "mark", inst: f.inst, px: f.mark });
          ts += 1;
          steps.push({ ts, kind: "fill", inst: f.inst, side: f.side, px: f.px, qty: f.qty, fee: f.fee });
          pos[f.inst]! += f.side * f.qty;
        }
        for (let i = 0; i < 2; i++) {
          if (pos[i] === 0) continue;
          ts += 10;
          steps.push({ ts, kind: "fill", inst: i, side: pos[i]! > 0 ? -1 : 1, px: 10_000, qty: Math.abs(pos[i]!), fee: 0.5 });
        }
        const instruments = [testInstrument(0, "A"), testInstrument(1, "B", 5, 0.25)];
        const { rec, report, ledger } = runScript(steps, { instruments, initialCapital: 1e6, sampleIntervalNs: 500 }, ts + 1);
        let net = 0;
        let trips = 0;
        const d = rec.trades.data;
        for (let r = 0; r < rec.trades.rows; r++) {
          const o = r * rec.trades.width;
          net += d[o + TradeCol.NetPnl]!;
          expect(d[o + TradeCol.GrossPnl]! - d[o + TradeCol.Fees]!).toBeCloseTo(d[o + TradeCol.NetPnl]!, 9);
          expect(d[o + TradeCol.Mae]!).toBeLessThanOrEqual(0);
          expect(d[o + TradeCol.Mfe]!).toBeGreaterThanOrEqual(0);
          expect(d[o + TradeCol.Mae]!).toBeLessThanOrEqual(d[o + TradeCol.GrossPnl]! + 1e-9);
          expect(d[o + TradeCol.Mfe]!).toBeGreaterThanOrEqual(d[o + TradeCol.GrossPnl]! - 1e-9);
          trips++;
        }
        expect(net).toBeCloseTo(ledger.equity() - 1e6, 6);
        expect(report.metrics.netPnl).toBeCloseTo(ledger.equity() - 1e6, 6);
        expect(report.metrics.roundTrips).toBe(trips);
        expect(report.metrics.grossProfit + report.metrics.grossLoss).toBeCloseTo(net, 6);
        expect(report.metrics.filledQty).toBe(steps.reduce((a, s) => a + (s.kind === "fill" ? s.qty : 0), 0));
        for (let i = 0; i < 2; i++) {
          expect(rec.position[i]).toBe(0);
          expect(rec.openLots(i)).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("metric functions vs brute force", () => {
  const seriesArb = fc
    .array(fc.record({ dt: fc.integer({ min: 1, max: 5000 }), eq: fc.integer({ min: 900, max: 1100 }) }), { minLength: 1, maxLength: 30 })
    .map((xs) => {
      const ts = [0];
      const eq = [1000];
      let t = 0;
      for (const x of xs) {
        t += x.dt;
        ts.push(t);
        eq.push(x.eq);
      }
      return { ts, eq };
    });

  it("grid returns equal a walk over every grid point", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 100, max: 2000 }), ({ ts, eq }, step) => {
        const n = ts.length;
        const stats = gridReturnStats(ts, eq, eq, 0, n - 1, step, 1000);
        // Brute force: value at grid point g = the first sample with ts >= g; the final partial period counts once.
        const returns: number[] = [];
        let last = eq[0]!;
        for (let g = Math.floor(ts[0]! / step) * step + step; g <= ts[n - 1]!; g += step) {
          const j = ts.findIndex((t) => t >= g);
          returns.push(eq[j]! / last - 1);
          last = eq[j]!;
        }
        // A last sample inside the same grid cell as the one before it is one partial period.
        if (n > 1 && Math.floor(ts[n - 1]! / step) === Math.floor(ts[n - 2]! / step) && ts[n - 1]! > ts[0]!) returns.push(eq[n - 1]! / last - 1);
        expect(stats.periods).toBe(returns.length);
        const mean = returns.length ? returns.reduce((a, b) => a + b, 0) / returns.length : 0;
        expect(stats.mean).toBeCloseTo(mean, 12);
        if (returns.length > 1) {
          const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
          expect(stats.stdev).toBeCloseTo(sd, 12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("drawdown equals the worst (earlier peak, later value) pair", () => {
    fc.assert(
      fc.property(seriesArb, ({ ts, eq }) => {
        const s = drawdownStats(ts, eq, 0, ts.length - 1);
        let dd = 0;
        let up = 0;
        for (let a = 0; a < eq.length; a++)
          for (let b = a; b < eq.length; b++) {
            dd = Math.max(dd, eq[a]! - eq[b]!);
            up = Math.max(up, eq[b]! - eq[a]!);
          }
        expect(s.maxDrawdown).toBe(dd);
        expect(s.maxRunup).toBe(up);
      }),
      { numRuns: 300 },
    );
  });
});

describe("fill ratio", () => {
  // An order: initial qty, then actions in time order: a modify raising its total, or a fill no
  // larger than what is still open (the exchange never fills more than the current total).
  const orderArb = fc.record({
    qty: fc.integer({ min: 1, max: 5 }),
    actions: fc.array(fc.record({ raise: fc.boolean(), n: fc.integer({ min: 1, max: 4 }) }), { maxLength: 6 }),
  });

  it("is filled / submitted quantity of the orders sent after the warm-up, within [0, 100]", () => {
    fc.assert(
      fc.property(fc.array(orderArb, { minLength: 1, maxLength: 12 }), fc.nat(12), (orders, readyAt) => {
        const steps: Step[] = [{ ts: 0, kind: "mark", px: 10_000 }];
        let ts = 0;
        let submitted = 0;
        let filled = 0;
        orders.forEach((o, k) => {
          const ref = k + 1;
          if (k === readyAt) steps.push({ ts: ++ts, kind: "ready" });
          const counted = k >= readyAt;
          steps.push({ ts: ++ts, kind: "order", side: 1, type: 1, px: 10_000, qty: o.qty, ref });
          let total = o.qty;
          let done = 0;
          if (counted) submitted += o.qty;
          for (const a of o.actions) {
            if (a.raise) {
              total += a.n;
              steps.push({ ts: ++ts, kind: "raise", ref, add: a.n });
              if (counted) submitted += a.n;
            } else if (done < total) {
              const q = Math.min(a.n, total - done);
              done += q;
              steps.push({ ts: ++ts, kind: "fill", side: 1, px: 10_000, qty: q, fee: 0, ref });
              if (counted) filled += q;
            }
          }
        });
        const { report } = runScript(steps, { instruments: [testInstrument()], initialCapital: 1e6, sampleIntervalNs: 1000, hasWarmup: true }, ts + 1);
        const m = report.metrics;
        if (submitted === 0) {
          expect(m.fillRatioPct).toBeNull();
          return;
        }
        expect(m.orderedQty).toBe(submitted);
        expect(m.fillRatioPct).toBeCloseTo((filled / submitted) * 100, 9);
        expect(m.fillRatioPct!).toBeGreaterThanOrEqual(0);
        expect(m.fillRatioPct!).toBeLessThanOrEqual(100);
      }),
      { numRuns: 300 },
    );
  });
});
