/**
 * RunRecorder: the analytics end of the run-time pipeline. The engine feeds it orders, cancels,
 * fills, refusals, marks, equity samples and user `record` values; `finish()` turns what it holds
 * into a `BacktestReport`, and the writers (write.ts, html.ts) turn it into files.
 *
 * PER-EVENT CODE: every `on*` method and `needsSample` run per event or per fill. They must not
 * allocate (no objects, arrays, closures, strings): state lives in typed arrays that were pre-sized
 * from the `expectedEvents`/`expectedFills` hints and grow by doubling only rarely. `finish()` and
 * the table accessors are end-of-run code and may allocate.
 *
 * Division of labour with the engine (one P&L implementation): equity comes from the engine's
 * portfolio (`onSample`, `onReady`, `finish`); the recorder keeps positions (quantities) and the
 * per-trade ledger it needs for trade statistics (round trips, FIFO lots, MAE/MFE) from the fills.
 *
 * Every per-event method has a scalar form (`onFill(ts, ...)`, convenient, allocation-free when the
 * JIT inlines the call) and a record form (`onFillRecord(fill)`, allocation-free always: prefer it
 * from a large engine loop); onCancelNow/onRefusalNow take integers only and use the time of the
 * last mark, order or fill seen.
 *
 * How the engine drives it, per event, BEFORE applying the event:
 *   if (rec.needsSample(ev.ts)) rec.onSample(ev.ts, portfolio.equity());
 * then, while applying it: onMark on book changes, onOrder/onCancel/onRefusal/onFill as they
 * happen, onRecord for `record(...)`, onReady(ts, equity) once when the strategy becomes ready;
 * at the end: finish(lastTs, { equity, ... }).
 */
import type { InstrumentInfo } from "../events.js";
import { F64Column, F64Rows } from "./columns.js";
import { computeReport } from "./metrics.js";
import type { BacktestReport, RunAssumptions } from "./types.js";

/** Everything the recorder needs to know before the run starts. */
export interface RecorderOptions {
  /** The run's instruments, by dense index (priceScale and multiplier convert fixed point to currency). */
  instruments: readonly InstrumentInfo[];
  /** Absolute time of ts = 0 (ns since the Unix epoch), from the EventSource. */
  timeBase: bigint;
  /** Equity sampling interval and metrics grid, ns of event time (e.g. 1e9 for 1 s). */
  sampleIntervalNs: number;
  /** Account equity before the first event (currency). */
  initialCapital: number;
  /** Latency, queue and fee assumptions, stated in every report. */
  assumptions: RunAssumptions;
  /** Names of the user `record` series, indexed by the `seriesIndex` passed to `onRecord`. */
  recordSeries?: readonly string[];
  /** Names of the risk refusal reasons, indexed by the `reasonCode` passed to `onRefusal`. */
  refusalReasons?: readonly string[];
  /**
   * True when the strategy has a warm-up: metrics start at `onReady`. False (default): the strategy
   * is ready from the first event.
   */
  hasWarmup?: boolean;
  /** Periods per year used to annualise (default: calendar year / sampleIntervalNs). */
  periodsPerYear?: number;
  /** Sizing hints (pre-size the typed arrays; wrong hints cost only a rare doubling). */
  expectedEvents?: number;
  expectedFills?: number;
  expectedRecords?: number;
  /** Equity samples expected (run span / sampleIntervalNs); default 4096. */
  expectedSamples?: number;
  /** Run description copied into the report. */
  strategy?: string;
  dataFiles?: readonly string[];
  params?: Readonly<Record<string, number | string | boolean>>;
  seed?: number;
  /** Package name and version written as the report's generator. */
  generatorVersion?: string;
}

/** End-of-run facts the engine passes to `finish`. */
export interface FinishInfo {
  /** Equity at the end (currency), from the portfolio, open positions at their last mark. */
  equity: number;
  /** True when the run stopped early (Ctrl-C, error): the report is marked PARTIAL. */
  partial?: boolean;
  partialReason?: string;
  /** True when the max_loss kill switch halted trading. */
  halted?: boolean;
  eventsProcessed: number;
  wallSeconds: number;
}

/**
 * Reused argument records: the engine owns one of each and overwrites its fields before calling
 * the *Record method, so no double crosses a call boundary (V8 boxes double arguments of calls it
 * does not inline; an object reference is never boxed).
 */
export class MarkRecord {
  ts = 0;
  instrument = 0;
  /** Fixed point. */
  price = 0;
}

/** A sent order (see MarkRecord for why records). */
export class OrderRecord {
  ts = 0;
  instrument = 0;
  /** +1 buy, -1 sell. */
  side = 0;
  /** OrderTypeCode. */
  orderType = 0;
  /** Fixed point, NaN for market orders. */
  price = 0;
  qty = 0;
  /** The order's reference (run-wide, increasing in send order). */
  orderRef = 0;
}

/** A fill (see MarkRecord for why records; fields as onFill's arguments). */
export class FillRecord {
  ts = 0;
  instrument = 0;
  side = 0;
  price = 0;
  qty = 0;
  fee = 0;
  liquidity = 0;
  orderRef = 0;
  queueTimeNs = -1;
}

/** One `record(series, value)` call. */
export class RecordValue {
  ts = 0;
  series = 0;
  value = 0;
}

// Trade (round-trip) table columns.
/** Column indices of the round-trip table (`RunRecorder.trades`). */
export const TradeCol = {
  Instrument: 0,
  /** +1 long, -1 short. */
  Direction: 1,
  EntryTs: 2,
  ExitTs: 3,
  /** Quantity bought (long) or sold (short) to build the position. */
  EntryQty: 4,
  /** Volume-weighted entry price, fixed point. */
  AvgEntryPx: 5,
  AvgExitPx: 6,
  /** Largest absolute position during the trade. */
  MaxPosition: 7,
  /** P&L before fees (currency). */
  GrossPnl: 8,
  Fees: 9,
  NetPnl: 10,
  /** Maximum adverse / favourable excursion before fees (currency; MAE <= 0 <= MFE). */
  Mae: 11,
  Mfe: 12,
  Fills: 13,
  /** 1 when the trade opened during the warm-up (excluded from metrics). */
  Warmup: 14,
} as const;
const TRADE_WIDTH = 15;

/** Column indices of the fill table (`RunRecorder.fills`). */
export const FillCol = {
  Ts: 0,
  Instrument: 1,
  /** +1 buy, -1 sell. */
  Side: 2,
  /** Fixed point. */
  Price: 3,
  Qty: 4,
  /** Currency; negative = rebate. */
  Fee: 5,
  /** Liquidity.Maker (0) or Liquidity.Taker (1). */
  Liquidity: 6,
  OrderRef: 7,
  /** ns in the queue (maker fills), -1 when not applicable. */
  QueueTimeNs: 8,
  PositionAfter: 9,
  Warmup: 10,
} as const;
const FILL_WIDTH = 11;

const YEAR_NS = 365.25 * 86_400e9;

/** Records one backtest run; see the file comment for the calling protocol. */
export class RunRecorder {
  readonly options: RecorderOptions;
  readonly instrumentCount: number;
  /** Currency per fixed-point unit per contract, by instrument (priceScale × multiplier). */
  readonly valuePerUnit: Float64Array;
  readonly sampleIntervalNs: number;
  readonly periodsPerYear: number;

  // Run-level state.
  /** ts when the strategy became ready (-Infinity without warm-up, +Infinity until ready). */
  readyTs: number;
  readyEquity: number;
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  /** Time of the next equity sample: an engine may test `ts >= rec.nextSampleTs` itself instead of calling needsSample. */
  nextSampleTs = -Infinity;
  /**
   * Arguments of the internal helpers, passed in fields rather than as double arguments (which V8
   * boxes when it does not inline the call): the current time and the price being evaluated.
   */
  private curTs = 0;
  private curPrice = 0;

  // Per instrument.
  /** Signed position, by instrument. */
  readonly position: Float64Array;
  /** Last mark price (fixed point, NaN before the first). */
  readonly lastMark: Float64Array;
  /** Fills, closed round trips and their net P&L per instrument (after the warm-up). */
  readonly fillsByInstrument: Float64Array;
  readonly tripsByInstrument: Float64Array;
  readonly netByInstrument: Float64Array;
  // Open round trip per instrument.
  private readonly tOpen: Uint8Array;
  private readonly tDir: Float64Array;
  private readonly tEntryTs: Float64Array;
  /** Σ -side·qty·price (fixed point × qty) of the trade's fills. */
  private readonly tCash: Float64Array;
  private readonly tFees: Float64Array;
  private readonly tEntryQty: Float64Array;
  private readonly tEntryNotional: Float64Array;
  private readonly tExitQty: Float64Array;
  private readonly tExitNotional: Float64Array;
  private readonly tMaxPos: Float64Array;
  private readonly tMae: Float64Array;
  private readonly tMfe: Float64Array;
  private readonly tFills: Float64Array;
  // FIFO lots per instrument: ring buffers of (qty, price, ts).
  private lotQty: Float64Array[];
  private lotTs: Float64Array[];
  private readonly lotHead: Int32Array;
  private readonly lotCount: Int32Array;

  // Tables.
  /** Round trips, `TradeCol` layout. */
  readonly trades: F64Rows;
  /** Fills, `FillCol` layout. */
  readonly fills: F64Rows;
  /** Equity samples: ts, equity, gross exposure, then position and mark of each instrument. */
  readonly samples: F64Rows;
  /** User record values: ts, series index, value. */
  readonly recordTs: F64Column;
  readonly recordSeries: F64Column;
  readonly recordValue: F64Column;

  // Counters (after the warm-up).
  orders = 0;
  orderedQty = 0;
  /** Ref of the first order sent after the warm-up (Infinity until then): fill-ratio bookkeeping. */
  firstCountedRef = Infinity;
  /** Quantity filled on orders sent after the warm-up (the fill ratio's numerator). */
  countedFilledQty = 0;
  readonly ordersByType = new Float64Array(8);
  cancels = 0;
  readonly refusalsByReason: Float64Array;
  fifoMatches = 0;
  fifoClosedQty = 0;
  fifoHoldQtyNs = 0;
  queueTimeSum = 0;
  queueTimeCount = 0;
  // Reused records behind the scalar-argument methods.
  private readonly markScratch = new MarkRecord();
  private readonly orderScratch = new OrderRecord();
  private readonly fillScratch = new FillRecord();
  private readonly recordScratch = new RecordValue();

  /** The report once `finish` ran. */
  report: BacktestReport | null = null;

  constructor(options: RecorderOptions) {
    if (!(options.sampleIntervalNs > 0)) throw new RangeError(`sampleIntervalNs must be > 0, got ${options.sampleIntervalNs}`);
    this.options = options;
    const n = options.instruments.length;
    this.instrumentCount = n;
    this.sampleIntervalNs = options.sampleIntervalNs;
    this.periodsPerYear = options.periodsPerYear ?? YEAR_NS / options.sampleIntervalNs;
    this.valuePerUnit = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const info = options.instruments[i]!;
      this.valuePerUnit[i] = info.priceScale * (info.multiplier || 1);
    }
    this.readyTs = options.hasWarmup ? Infinity : -Infinity;
    this.readyEquity = options.initialCapital;
    this.position = new Float64Array(n);
    this.lastMark = new Float64Array(n).fill(Number.NaN);
    this.fillsByInstrument = new Float64Array(n);
    this.tripsByInstrument = new Float64Array(n);
    this.netByInstrument = new Float64Array(n);
    this.tOpen = new Uint8Array(n);
    this.tDir = new Float64Array(n);
    this.tEntryTs = new Float64Array(n);
    this.tCash = new Float64Array(n);
    this.tFees = new Float64Array(n);
    this.tEntryQty = new Float64Array(n);
    this.tEntryNotional = new Float64Array(n);
    this.tExitQty = new Float64Array(n);
    this.tExitNotional = new Float64Array(n);
    this.tMaxPos = new Float64Array(n);
    this.tMae = new Float64Array(n);
    this.tMfe = new Float64Array(n);
    this.tFills = new Float64Array(n);
    this.lotQty = [];
    this.lotTs = [];
    for (let i = 0; i < n; i++) {
      this.lotQty.push(new Float64Array(64));
      this.lotTs.push(new Float64Array(64));
    }
    this.lotHead = new Int32Array(n);
    this.lotCount = new Int32Array(n);
    const fillsHint = options.expectedFills ?? 1024;
    this.trades = new F64Rows(TRADE_WIDTH, fillsHint / 2);
    this.fills = new F64Rows(FILL_WIDTH, fillsHint);
    this.samples = new F64Rows(3 + 2 * n, options.expectedSamples ?? 4096);
    const recHint = options.expectedRecords ?? 1024;
    this.recordTs = new F64Column(recHint);
    this.recordSeries = new F64Column(recHint);
    this.recordValue = new F64Column(recHint);
    this.refusalsByReason = new Float64Array((options.refusalReasons?.length ?? 0) + 1);
  }

  /** True when `ts` has reached the next equity sample time: the engine then calls `onSample(ts, equity)` before applying the event. */
  needsSample(ts: number): boolean {
    return ts >= this.nextSampleTs;
  }

  /**
   * One equity sample: `equity` is the portfolio's equity BEFORE the event at `ts` is applied (so it
   * is the state at the grid point floor(ts / interval) × interval, where it is recorded).
   */
  onSample(ts: number, equity: number): void {
    const step = this.sampleIntervalNs;
    const boundary = Math.floor(ts / step) * step;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    this.nextSampleTs = boundary + step;
    // The grid point, but never before the run's start (the first sample of a run that starts
    // mid-interval, e.g. at `from`, is recorded at the start itself).
    this.curTs = boundary > this.firstTs ? boundary : this.firstTs;
    this.curPrice = equity;
    this.pushSample();
  }

  /**
   * onSample with its arguments in a register pair, reg[0] = ts and reg[1] = equity: the engine's
   * per-event form (doubles passed to a call V8 does not inline are boxed; the sampling path runs
   * rarely, so it is often not inlined, or not optimised at all).
   */
  onSampleFrom(reg: Float64Array): void {
    this.onSample(reg[0], reg[1]);
  }

  // Orders sent during the warm-up at the latest order time (pendTs), kept until the next order time.
  private pendTs = Number.NaN;
  private pendFirstRef = 0;
  private pendOrders = 0;
  private pendQty = 0;
  private readonly pendByType = new Float64Array(8);

  private holdWarmOrder(o: OrderRecord): void {
    if (o.ts !== this.pendTs) {
      this.pendTs = o.ts;
      this.pendFirstRef = o.orderRef;
      this.pendOrders = 0;
      this.pendQty = 0;
      this.pendByType.fill(0);
    }
    this.pendOrders++;
    this.pendQty += o.qty;
    this.pendByType[o.orderType & 7]++;
  }

  /**
   * The strategy became ready at `ts` with `equity`: the warm-up ends here and metrics start.
   * Orders sent at or after `ts` before this call (by the handlers of the event that made the
   * strategy ready) are counted, as their fills are.
   */
  onReady(ts: number, equity: number): void {
    if (this.readyTs !== Infinity) return;
    this.readyTs = ts;
    if (this.pendOrders > 0 && this.pendTs >= ts) {
      this.firstCountedRef = this.pendFirstRef;
      this.orders += this.pendOrders;
      this.orderedQty += this.pendQty;
      for (let k = 0; k < 8; k++) this.ordersByType[k] += this.pendByType[k];
    }
    this.pendOrders = 0;
    this.readyEquity = equity;
    this.curTs = ts;
    this.curPrice = equity;
    this.pushSample();
  }

  /** A book change moved the mark price (fixed point) of `instrument`. Cheap: call on every change. */
  onMark(ts: number, instrument: number, markPrice: number): void {
    const r = this.markScratch;
    r.ts = ts;
    r.instrument = instrument;
    r.price = markPrice;
    this.onMarkRecord(r);
  }

  /** onMark from a reused record (allocation-free even where the JIT does not inline the call). */
  onMarkRecord(m: MarkRecord): void {
    const instrument = m.instrument;
    if (this.firstTs !== this.firstTs) this.firstTs = m.ts;
    this.lastTs = m.ts;
    this.lastMark[instrument] = m.price;
    if (this.tOpen[instrument] === 1) {
      this.curPrice = m.price;
      this.updateExcursion(instrument);
    }
  }

  /** An order was sent (`side` +1 buy / -1 sell, `orderType` an OrderTypeCode, fixed-point price or NaN for market). */
  onOrder(ts: number, instrument: number, side: number, orderType: number, price: number, qty: number, orderRef: number): void {
    const r = this.orderScratch;
    r.ts = ts;
    r.instrument = instrument;
    r.side = side;
    r.orderType = orderType;
    r.price = price;
    r.qty = qty;
    r.orderRef = orderRef;
    this.onOrderRecord(r);
  }

  /** onOrder from a reused record (allocation-free even where the JIT does not inline the call). */
  onOrderRecord(o: OrderRecord): void {
    this.lastTs = o.ts;
    if (o.ts < this.readyTs) {
      // Still warming up — unless the strategy turns ready at the end of this very event (the
      // engine learns it after the handlers): keep the orders sent at this time, onReady counts
      // them when it comes at or before it.
      if (this.readyTs === Infinity) this.holdWarmOrder(o);
      return;
    }
    // Refs increase in send order and time never goes back: the orders sent after the warm-up are
    // exactly those from the first one counted on.
    if (this.firstCountedRef === Infinity) this.firstCountedRef = o.orderRef;
    this.orders++;
    this.orderedQty += o.qty;
    this.ordersByType[o.orderType & 7]++;
  }

  /**
   * A modify raised order `orderRef`'s total quantity above its largest total so far by `addQty`:
   * that quantity is submitted too (fill ratio). Integers only.
   */
  onOrderQtyRaised(orderRef: number, addQty: number): void {
    if (orderRef >= this.firstCountedRef) this.orderedQty += addQty;
  }

  /** An order was cancelled (by the strategy, a kill switch or IOC/FOK expiry). */
  onCancel(ts: number, instrument: number, orderRef: number): void {
    if (ts < this.readyTs) return;
    this.cancelCount(instrument, orderRef);
  }

  /** onCancel at time `clock[i]` (a register: no double crosses the call). */
  onCancelAt(clock: Float64Array, i: number, instrument: number, orderRef: number): void {
    if (clock[i] < this.readyTs) return;
    this.cancelCount(instrument, orderRef);
  }

  /** onCancel at the time of the current event (integer arguments only: never boxed). */
  onCancelNow(instrument: number, orderRef: number): void {
    if (this.lastTs < this.readyTs) return;
    this.cancelCount(instrument, orderRef);
  }

  private cancelCount(instrument: number, orderRef: number): void {
    void instrument;
    void orderRef;
    this.cancels++;
  }

  /** The risk manager refused an order; `reasonCode` indexes `refusalReasons`. */
  onRefusal(ts: number, reasonCode: number): void {
    if (ts < this.readyTs) return;
    this.refusalCount(reasonCode);
  }

  /** onRefusal at time `clock[i]` (a register: no double crosses the call). */
  onRefusalAt(clock: Float64Array, i: number, reasonCode: number): void {
    if (clock[i] < this.readyTs) return;
    this.refusalCount(reasonCode);
  }

  /** onRefusal at the time of the current event (integer argument only: never boxed). */
  onRefusalNow(reasonCode: number): void {
    if (this.lastTs < this.readyTs) return;
    this.refusalCount(reasonCode);
  }

  private refusalCount(reasonCode: number): void {
    const slot = reasonCode >= 0 && reasonCode < this.refusalsByReason.length - 1 ? reasonCode : this.refusalsByReason.length - 1;
    this.refusalsByReason[slot]++;
  }

  /** The user strategy called `record(series, value)`. */
  onRecord(ts: number, seriesIndex: number, value: number): void {
    const r = this.recordScratch;
    r.ts = ts;
    r.series = seriesIndex;
    r.value = value;
    this.onRecordValue(r);
  }

  /** onRecord from a reused record (allocation-free even where the JIT does not inline the call). */
  onRecordValue(r: RecordValue): void {
    // Inlined pushes (a double argument to a call that is not inlined would be boxed).
    const t = this.recordTs;
    if (t.length === t.data.length) {
      t.grow(t.length + 1);
      this.recordSeries.grow(t.length + 1);
      this.recordValue.grow(t.length + 1);
    }
    const k = t.length;
    t.data[k] = r.ts;
    this.recordSeries.data[k] = r.series;
    this.recordValue.data[k] = r.value;
    t.length = k + 1;
    this.recordSeries.length = k + 1;
    this.recordValue.length = k + 1;
  }

  /**
   * A fill: `side` +1 buy / -1 sell, `price` fixed point, `qty` > 0, `fee` in currency (negative
   * for a rebate), `liquidity` Liquidity.Maker/Taker, `queueTimeNs` the time a maker order waited
   * in the queue (-1 when not applicable).
   */
  onFill(
    ts: number,
    instrument: number,
    side: number,
    price: number,
    qty: number,
    fee: number,
    liquidity: number,
    orderRef: number,
    queueTimeNs: number,
  ): void {
    const f = this.fillScratch;
    f.ts = ts;
    f.instrument = instrument;
    f.side = side;
    f.price = price;
    f.qty = qty;
    f.fee = fee;
    f.liquidity = liquidity;
    f.orderRef = orderRef;
    f.queueTimeNs = queueTimeNs;
    this.onFillRecord(f);
  }

  /** onFill from a reused record (allocation-free even where the JIT does not inline the call). */
  onFillRecord(fill: FillRecord): void {
    const ts = fill.ts;
    const instrument = fill.instrument;
    const side = fill.side;
    const price = fill.price;
    const qty = fill.qty;
    const fee = fill.fee;
    const liquidity = fill.liquidity;
    const orderRef = fill.orderRef;
    const queueTimeNs = fill.queueTimeNs;
    this.lastTs = ts;
    const i = instrument;
    const warm = ts < this.readyTs ? 1 : 0;
    if (orderRef >= this.firstCountedRef) this.countedFilledQty += qty;
    if (warm === 0) {
      this.fillsByInstrument[i]++;
      if (liquidity === 0 && queueTimeNs >= 0) {
        this.queueTimeSum += queueTimeNs;
        this.queueTimeCount++;
      }
    }
    if (this.lastMark[i] !== this.lastMark[i]) this.lastMark[i] = price;
    let pos = this.position[i]!;
    let remaining = qty;
    let feeLeft = fee;
    if (pos !== 0 && (pos > 0) !== (side > 0)) {
      // Reducing (or reversing): the part up to flat closes the open round trip.
      const closeQty = Math.min(qty, Math.abs(pos));
      const feePart = closeQty === qty ? fee : (fee * closeQty) / qty;
      this.tCash[i]! -= side * closeQty * price;
      this.tFees[i]! += feePart;
      this.tExitQty[i]! += closeQty;
      this.tExitNotional[i]! += closeQty * price;
      this.tFills[i]!++;
      this.curTs = ts;
      this.curPrice = price;
      this.matchFifo(i, closeQty, warm);
      pos += side * closeQty;
      this.position[i] = pos;
      this.updateExcursion(i);
      if (pos === 0) {
        // The round trip closes: its row in the trades table. Written here rather than in a method
        // of its own: called once per round trip, such a method is optimised late, and until then
        // runs unoptimised, where every double it reads or computes is a heap allocation.
        this.tOpen[i] = 0;
        const v = this.valuePerUnit[i]!;
        const gross = this.tCash[i]! * v;
        const fees = this.tFees[i]!;
        const entryTs = this.tEntryTs[i]!;
        const tripWarm = entryTs < this.readyTs ? 1 : 0;
        const t = this.trades;
        const o = t.appendRow();
        const d = t.data;
        d[o] = i;
        d[o + 1] = this.tDir[i]!;
        d[o + 2] = entryTs;
        d[o + 3] = ts;
        d[o + 4] = this.tEntryQty[i]!;
        d[o + 5] = this.tEntryNotional[i]! / this.tEntryQty[i]!;
        d[o + 6] = this.tExitNotional[i]! / this.tExitQty[i]!;
        d[o + 7] = this.tMaxPos[i]!;
        d[o + 8] = gross;
        d[o + 9] = fees;
        d[o + 10] = gross - fees;
        d[o + 11] = this.tMae[i]!;
        d[o + 12] = this.tMfe[i]!;
        d[o + 13] = this.tFills[i]!;
        d[o + 14] = tripWarm;
        if (tripWarm === 0) {
          this.tripsByInstrument[i]++;
          this.netByInstrument[i]! += gross - fees;
        }
      }
      remaining = qty - closeQty;
      feeLeft = fee - feePart;
    }
    if (remaining > 0) {
      this.curTs = ts;
      this.curPrice = price;
      if (pos === 0) this.openTrade(i, side);
      this.tCash[i]! -= side * remaining * price;
      this.tFees[i]! += feeLeft;
      this.tEntryQty[i]! += remaining;
      this.tEntryNotional[i]! += remaining * price;
      this.tFills[i]!++;
      pos += side * remaining;
      this.position[i] = pos;
      const abs = Math.abs(pos);
      if (abs > this.tMaxPos[i]!) this.tMaxPos[i] = abs;
      this.pushLot(i, remaining);
      this.updateExcursion(i);
    }
    const f = this.fills;
    const o = f.appendRow();
    const d = f.data;
    d[o] = ts;
    d[o + 1] = i;
    d[o + 2] = side;
    d[o + 3] = price;
    d[o + 4] = qty;
    d[o + 5] = fee;
    d[o + 6] = liquidity;
    d[o + 7] = orderRef;
    d[o + 8] = queueTimeNs;
    d[o + 9] = pos;
    d[o + 10] = warm;
  }

  /** Ends the run and builds the report (end-of-run code: allocates). */
  finish(endTs: number, info: FinishInfo): BacktestReport {
    if (endTs === endTs && (this.lastTs !== this.lastTs || endTs > this.lastTs)) this.lastTs = endTs;
    if (this.firstTs !== this.firstTs) this.firstTs = this.lastTs;
    if (this.lastTs === this.lastTs) {
      this.curTs = this.lastTs;
      this.curPrice = info.equity;
      this.pushSample();
    }
    this.report = computeReport(this, info);
    return this.report;
  }

  /** Number of open FIFO lots on an instrument (for tests and diagnostics). */
  openLots(instrument: number): number {
    return this.lotCount[instrument]!;
  }

  // ---- internals (per event: no allocation) ----

  /** Appends an equity sample at `curTs` with equity `curPrice` (fields, not double arguments). */
  private pushSample(): void {
    const ts = this.curTs;
    const equity = this.curPrice;
    const s = this.samples;
    const o = s.appendRow();
    const d = s.data;
    const n = this.instrumentCount;
    let exposure = 0;
    for (let i = 0; i < n; i++) {
      const mark = this.lastMark[i]!;
      const pos = this.position[i]!;
      d[o + 3 + i] = pos;
      d[o + 3 + n + i] = mark;
      if (pos !== 0 && mark === mark) exposure += Math.abs(pos * mark * this.valuePerUnit[i]!);
    }
    d[o] = ts;
    d[o + 1] = equity;
    d[o + 2] = exposure;
  }

  /** Updates the open trade's MAE/MFE at price `curPrice`. */
  private updateExcursion(i: number): void {
    const price = this.curPrice;
    const pnl = (this.tCash[i]! + this.position[i]! * price) * this.valuePerUnit[i]!;
    if (pnl < this.tMae[i]!) this.tMae[i] = pnl;
    if (pnl > this.tMfe[i]!) this.tMfe[i] = pnl;
  }

  /** Largest |position| of the round trip still open on instrument i at the end (0 when flat). */
  openTradeMaxPosition(i: number): number {
    return this.tOpen[i] === 1 ? this.tMaxPos[i]! : 0;
  }

  private openTrade(i: number, side: number): void {
    const ts = this.curTs;
    this.tOpen[i] = 1;
    this.tDir[i] = side > 0 ? 1 : -1;
    this.tEntryTs[i] = ts;
    this.tCash[i] = 0;
    this.tFees[i] = 0;
    this.tEntryQty[i] = 0;
    this.tEntryNotional[i] = 0;
    this.tExitQty[i] = 0;
    this.tExitNotional[i] = 0;
    this.tMaxPos[i] = 0;
    this.tMae[i] = 0;
    this.tMfe[i] = 0;
    this.tFills[i] = 0;
  }

  private pushLot(i: number, qty: number): void {
    const ts = this.curTs;
    let q = this.lotQty[i]!;
    const cap = q.length;
    if (this.lotCount[i] === cap) {
      // Rare: unroll the ring into arrays twice the size.
      const nq = new Float64Array(cap * 2);
      const nt = new Float64Array(cap * 2);
      const t = this.lotTs[i]!;
      const head = this.lotHead[i]!;
      for (let k = 0; k < cap; k++) {
        nq[k] = q[(head + k) % cap]!;
        nt[k] = t[(head + k) % cap]!;
      }
      this.lotQty[i] = nq;
      this.lotTs[i] = nt;
      this.lotHead[i] = 0;
      q = nq;
    }
    const slot = (this.lotHead[i]! + this.lotCount[i]!) % q.length;
    q[slot] = qty;
    this.lotTs[i]![slot] = ts;
    this.lotCount[i]++;
  }

  private matchFifo(i: number, qty: number, warm: number): void {
    const ts = this.curTs;
    const q = this.lotQty[i]!;
    const t = this.lotTs[i]!;
    const cap = q.length;
    let left = qty;
    while (left > 0 && this.lotCount[i]! > 0) {
      const h = this.lotHead[i]!;
      const m = q[h]! < left ? q[h]! : left;
      if (warm === 0 && t[h]! >= this.readyTs) {
        this.fifoMatches++;
        this.fifoClosedQty += m;
        this.fifoHoldQtyNs += m * (ts - t[h]!);
      }
      q[h]! -= m;
      left -= m;
      if (q[h] === 0) {
        this.lotHead[i] = (h + 1) % cap;
        this.lotCount[i]--;
      }
    }
  }
}
