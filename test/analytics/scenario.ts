/**
 * Tiny hand-computable scenarios for the analytics tests: a script of marks, orders and fills, an
 * independent naive ledger that computes the equity the engine's portfolio would pass, and a driver
 * that feeds a RunRecorder exactly as the engine does (sample before applying each event).
 */
import type { InstrumentInfo } from "../../runtime/events.js";
import { RunRecorder } from "../../runtime/analytics/recorder.js";
import type { RecorderOptions } from "../../runtime/analytics/recorder.js";
import type { BacktestReport } from "../../runtime/analytics/types.js";

/** One scripted step. */
export type Step =
  | { ts: number; kind: "mark"; inst?: number; px: number }
  /** An order; `ref` defaults to the next number of a run-wide counter (1, 2, ...), as the engine's refs. */
  | { ts: number; kind: "order"; inst?: number; side: 1 | -1; type: number; px: number; qty: number; ref?: number }
  /** A modify raised order `ref`'s total quantity above its largest earlier total by `add`. */
  | { ts: number; kind: "raise"; ref: number; add: number }
  | { ts: number; kind: "cancel"; inst?: number; ref: number }
  | { ts: number; kind: "refuse"; code: number }
  | { ts: number; kind: "fill"; inst?: number; side: 1 | -1; px: number; qty: number; fee: number; maker?: boolean; queueNs?: number; ref?: number }
  | { ts: number; kind: "record"; series: number; value: number }
  | { ts: number; kind: "ready" };

/** An instrument with cents as fixed point and multiplier 2 (value per unit 0.02). */
export function testInstrument(index = 0, symbol = "TEST", multiplier = 2, priceScale = 0.01): InstrumentInfo {
  return { index, symbol, sourceId: index, priceScale, tickSize: 25, multiplier };
}

/** Naive portfolio: cash, positions and marks; equity = cash + Σ pos × mark × value. */
export class NaiveLedger {
  cash: number;
  pos: number[];
  mark: number[];
  constructor(
    capital: number,
    private readonly instruments: InstrumentInfo[],
  ) {
    this.cash = capital;
    this.pos = instruments.map(() => 0);
    this.mark = instruments.map(() => Number.NaN);
  }
  value(i: number): number {
    return this.instruments[i]!.priceScale * this.instruments[i]!.multiplier;
  }
  fill(i: number, side: number, px: number, qty: number, fee: number): void {
    this.cash -= side * qty * px * this.value(i) + fee;
    this.pos[i]! += side * qty;
    if (Number.isNaN(this.mark[i]!)) this.mark[i] = px;
  }
  equity(): number {
    let e = this.cash;
    for (let i = 0; i < this.pos.length; i++) if (this.pos[i] !== 0) e += this.pos[i]! * this.mark[i]! * this.value(i);
    return e;
  }
}

/** Runs a script through a recorder (sampling before each step, as the engine does) and finishes it. */
export function runScript(
  steps: Step[],
  opts: Partial<RecorderOptions> & { instruments: InstrumentInfo[]; initialCapital: number; sampleIntervalNs: number },
  endTs: number,
  finish: { partial?: boolean } = {},
): { rec: RunRecorder; report: BacktestReport; ledger: NaiveLedger } {
  const rec = new RunRecorder({
    timeBase: 1_700_000_000_000_000_000n,
    assumptions: { latency: "feed 0ns fixed; order entry 0ns fixed; response 0ns fixed", queueModel: "pro-rata", fees: "as scripted" },
    ...opts,
  });
  const ledger = new NaiveLedger(opts.initialCapital, opts.instruments);
  let nextRef = 1;
  for (const s of steps) {
    if (rec.needsSample(s.ts)) rec.onSample(s.ts, ledger.equity());
    const inst = "inst" in s && s.inst !== undefined ? s.inst : 0;
    switch (s.kind) {
      case "mark":
        ledger.mark[inst] = s.px;
        rec.onMark(s.ts, inst, s.px);
        break;
      case "order":
        rec.onOrder(s.ts, inst, s.side, s.type, s.px, s.qty, s.ref ?? nextRef);
        nextRef = (s.ref ?? nextRef) + 1;
        break;
      case "raise":
        rec.onOrderQtyRaised(s.ref, s.add);
        break;
      case "cancel":
        rec.onCancel(s.ts, inst, s.ref);
        break;
      case "refuse":
        rec.onRefusal(s.ts, s.code);
        break;
      case "fill":
        ledger.fill(inst, s.side, s.px, s.qty, s.fee);
        rec.onFill(s.ts, inst, s.side, s.px, s.qty, s.fee, s.maker ? 0 : 1, s.ref ?? 0, s.queueNs ?? -1);
        break;
      case "record":
        rec.onRecord(s.ts, s.series, s.value);
        break;
      case "ready":
        rec.onReady(s.ts, ledger.equity());
        break;
    }
  }
  const report = rec.finish(endTs, { equity: ledger.equity(), eventsProcessed: steps.length, wallSeconds: 0.5, partial: finish.partial ?? false });
  return { rec, report, ledger };
}

/** The hand-ledger scenario documented in ledger.test.ts (long round trip, reversal, short round trip). */
export function handScenario(): Step[] {
  return [
    { ts: 0, kind: "mark", px: 10000 },
    { ts: 50, kind: "order", side: 1, type: 0, px: Number.NaN, qty: 2, ref: 1 },
    { ts: 100, kind: "fill", side: 1, px: 10000, qty: 2, fee: 1, ref: 1 },
    { ts: 500, kind: "mark", px: 10100 },
    { ts: 1200, kind: "mark", px: 9900 },
    { ts: 1400, kind: "order", side: -1, type: 0, px: Number.NaN, qty: 1, ref: 2 },
    { ts: 1500, kind: "fill", side: -1, px: 9950, qty: 1, fee: 1, ref: 2 },
    { ts: 1600, kind: "refuse", code: 0 },
    { ts: 2100, kind: "mark", px: 10200 },
    { ts: 2400, kind: "order", side: -1, type: 0, px: Number.NaN, qty: 3, ref: 3 },
    { ts: 2500, kind: "fill", side: -1, px: 10200, qty: 3, fee: 1.5, ref: 3 },
    { ts: 2600, kind: "order", side: 1, type: 1, px: 10100, qty: 4, ref: 7 },
    { ts: 2700, kind: "record", series: 0, value: 1.5 },
    { ts: 3300, kind: "fill", side: 1, px: 10100, qty: 2, fee: -0.4, maker: true, queueNs: 700, ref: 7 },
    { ts: 3400, kind: "cancel", ref: 7 },
    { ts: 3450, kind: "record", series: 0, value: -0.5 },
  ];
}
