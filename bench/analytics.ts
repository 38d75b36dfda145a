/**
 * Per-event cost and garbage of the RunRecorder: a steady-state replay of synthetic events through
 * needsSample/onSample, onMark, onOrder, onFill, onCancel, onRecord, counting garbage collections
 * with a PerformanceObserver on 'gc' entries (target: none). The engine-facing record methods take
 * object references only, so the count stays at zero even with inlining disabled
 * (--max-inlined-bytecode-size=0). Run:
 *   node bench/run.mjs analytics [events]
 */
import { PerformanceObserver } from "node:perf_hooks";
import { FillRecord, MarkRecord, OrderRecord, RecordValue, RunRecorder } from "../runtime/analytics/recorder.js";

const EVENTS = Number(process.argv[2] ?? 12_500_000);
const FILL_EVERY = 50;
const RECORD_EVERY = 100;

function makeRecorder(): RunRecorder {
  return new RunRecorder({
    instruments: [
      { index: 0, symbol: "ES", sourceId: 1, priceScale: 1e-9, tickSize: 0.25e9, multiplier: 50 },
      { index: 1, symbol: "NQ", sourceId: 2, priceScale: 1e-9, tickSize: 0.25e9, multiplier: 20 },
    ],
    timeBase: 0n,
    sampleIntervalNs: 1e6,
    initialCapital: 1e6,
    assumptions: { latency: "bench", queueModel: "bench", fees: "bench" },
    recordSeries: ["x"],
    refusalReasons: ["max_position"],
    expectedEvents: EVENTS,
    expectedFills: (2 * EVENTS) / FILL_EVERY + 16,
    expectedRecords: EVENTS / RECORD_EVERY + 16,
    expectedSamples: EVENTS / 1000 + 64,
  });
}

/**
 * Event inputs, precomputed into typed arrays as a reader's records would hold them, so the loop
 * below carries no double in a loop variable (V8 boxes loop-carried doubles in some tiers, which
 * would be the harness's garbage, not the recorder's).
 */
const N_INPUT = 1 << 20;
/** Time offset per lap over the inputs: longer than their span, and not an integer (so the JIT never speculates int32 on it). */
const LAP_NS = 1.1e9 + 0.25;
const inTs = new Float64Array(N_INPUT);
const inPx0 = new Float64Array(N_INPUT);
const inPx1 = new Float64Array(N_INPUT);
{
  let ts = 3.6e12 + 0.5;
  let p0 = 6000e9;
  let p1 = 21000e9;
  for (let k = 0; k < N_INPUT; k++) {
    ts += 1000;
    p0 += ((k % 5) - 2) * 0.25e9;
    p1 += ((k % 3) - 1) * 0.25e9;
    inTs[k] = ts;
    inPx0[k] = p0;
    inPx1[k] = p1;
  }
}
/** Integer loop state between chunks: position, lap (time offset = lap × span of the inputs). */
const istate = new Int32Array(2);
const EQUITY = new Float64Array([1e6]);

// The engine's reused argument records (one of each, overwritten per call).
const mark = new MarkRecord();
const order = new OrderRecord();
const fill = new FillRecord();
const recVal = new RecordValue();

/** The per-event loop, written as an engine would: records in, no double argument across a call. */
function replay(rec: RunRecorder, from: number, to: number): number {
  let checksum = 0;
  for (let k = from; k < to; k++) {
    const j = k & (N_INPUT - 1);
    const ts = inTs[j]! + Math.floor(k / N_INPUT) * LAP_NS;
    if (ts >= rec.nextSampleTs) rec.onSample(ts, EQUITY[0]!);
    mark.ts = ts;
    mark.instrument = 0;
    mark.price = inPx0[j]!;
    rec.onMarkRecord(mark);
    mark.instrument = 1;
    mark.price = inPx1[j]!;
    rec.onMarkRecord(mark);
    if (k % FILL_EVERY === 0) {
      const pos = istate[0]!;
      const side = pos >= 2 ? -1 : pos <= -2 ? 1 : k % 3 === 0 ? 1 : -1;
      order.ts = ts;
      order.instrument = 0;
      order.side = side;
      order.orderType = 1;
      order.price = inPx0[j]!;
      order.qty = 1;
      rec.onOrderRecord(order);
      fill.ts = ts + 10;
      fill.instrument = 0;
      fill.side = side;
      fill.price = inPx0[j]!;
      fill.qty = 1;
      fill.fee = 0.85;
      fill.liquidity = 1;
      fill.orderRef = k;
      fill.queueTimeNs = -1;
      rec.onFillRecord(fill);
      order.instrument = 1;
      order.side = -side;
      order.price = inPx1[j]!;
      order.qty = 2;
      rec.onOrderRecord(order);
      fill.instrument = 1;
      fill.side = -side;
      fill.price = inPx1[j]!;
      fill.fee = -0.2;
      fill.liquidity = 0;
      fill.queueTimeNs = 1500;
      rec.onFillRecord(fill);
      rec.onCancelNow(1, k);
      istate[0] = pos + side;
      EQUITY[0] = EQUITY[0]! + side * 0.5;
    }
    if (k % RECORD_EVERY === 0) {
      recVal.ts = ts;
      recVal.series = 0;
      recVal.value = inPx0[j]! * 1e-9;
      rec.onRecordValue(recVal);
    }
    checksum += istate[0]!;
  }
  return checksum;
}

/** The same loop without the recorder: its GC count is the harness's own noise floor. */
function baseline(from: number, to: number): number {
  let checksum = 0;
  for (let k = from; k < to; k++) {
    const j = k & (N_INPUT - 1);
    const ts = inTs[j]! + Math.floor(k / N_INPUT) * LAP_NS;
    mark.ts = ts;
    mark.price = inPx0[j]!;
    checksum += mark.price > ts ? 1 : 0;
  }
  return checksum;
}

// The first WARM events run the JIT to optimised code; the GC count covers the steady state after.
const WARM = 2_500_000;

let gcs = 0;
const obs = new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
});
obs.observe({ entryTypes: ["gc"] });
const rec = makeRecorder();
// Two warm-up calls: the first optimises the loop on stack (OSR), the second the function entry.
replay(rec, 0, WARM / 2);
replay(rec, WARM / 2, WARM);
// Let construction and JIT garbage settle (GC entries arrive asynchronously) before counting.
(globalThis as { gc?: () => void }).gc?.();
await new Promise((r) => setTimeout(r, 100));
gcs = 0;
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const checksum = replay(rec, WARM, EVENTS);
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage(c0);
const cpuSecs = (c1.user + c1.system) / 1e6;
await new Promise((r) => setTimeout(r, 50));
const secs = Number(t1 - t0) / 1e9;
const replayGcs = gcs;
baseline(0, WARM / 2);
baseline(WARM / 2, WARM);
await new Promise((r) => setTimeout(r, 100));
gcs = 0;
baseline(WARM, EVENTS);
await new Promise((r) => setTimeout(r, 100));
const baselineGcs = gcs;
obs.disconnect();
const report = rec.finish(inTs[(EVENTS - 1) & (N_INPUT - 1)]! + Math.floor((EVENTS - 1) / N_INPUT) * LAP_NS + 1, { equity: 1e6, eventsProcessed: EVENTS, wallSeconds: secs });
console.log(
  JSON.stringify({
    events: EVENTS,
    fills: rec.fills.rows,
    trades: report.metrics.roundTrips,
    samples: rec.samples.rows,
    seconds: Number(secs.toFixed(3)),
    measuredEvents: EVENTS - WARM,
    eventsPerSecond: Math.round((EVENTS - WARM) / secs),
    cpuSeconds: Number(cpuSecs.toFixed(3)),
    eventsPerCpuSecond: Math.round((EVENTS - WARM) / cpuSecs),
    nsPerEvent: Number(((secs * 1e9) / (EVENTS - WARM)).toFixed(1)),
    gcDuringReplay: replayGcs,
    gcBaselineHarness: baselineGcs,
    checksum,
  }),
);
