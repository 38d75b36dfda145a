/**
 * The backtest engine: ONE deterministic loop, DESIGN.md's run-time pipeline —
 * data → book → strategy handlers → risk → execution (latency, queue, fills) → portfolio →
 * recorder. It also is the StrategyContext handed to the strategy.
 *
 * PER-EVENT CODE: `run()`'s loop and every StrategyContext method run per event or per order; they
 * must not allocate (no closures, objects, arrays or strings per event; reports and in-flight
 * messages live in typed arrays, orders in a pool, records handed to the strategy are reused).
 * Setup (`prepare`) and the end of the run allocate freely.
 *
 * Determinism: sources are merged by event time with ties broken by source order (the order of
 * `--data` files), then by each source's own order; latencies come from a PRNG seeded by `seed`;
 * every queue is ordered by (time, insertion sequence). Same inputs + options ⇒ identical results.
 *
 * Clocks: the exchange clock is the event time; the strategy sees an event at ts + feed latency
 * (kept monotone); its messages reach the exchange after the order-entry latency; fills and order
 * ends reach it after the response latency (kept in order per order).
 */
import { isoFromNs } from "../analytics/time-format.js";
import { L2Book } from "../book/l2.js";
import { AnomalyKind } from "../book/anomalies.js";
import { L3Book } from "../book/l3.js";
import type { BookView } from "../book/view.js";
import { EventKind, type EventSource, type InstrumentInfo, type MarketEvent, Side, unitsPerCurrency } from "../events.js";
import {
  FillRecord as RecorderFill,
  MarkRecord,
  OrderRecord,
  RecordValue,
  RunRecorder,
  type RecorderOptions,
} from "../analytics/recorder.js";
import type { BacktestReport, RunAssumptions } from "../analytics/types.js";
import { describeFees, type FeeSchedule, NO_FEES } from "../execution/fees.js";
import { describeLatency, type LatencyConfig, LatencyModel, ZERO_LATENCY } from "../execution/latency.js";
import { OrderKind, OrderPool, type SimOrder } from "../execution/orders.js";
import { SeededRandom } from "../execution/rng.js";
import {
  DoneReason,
  EMPTY_BOOK,
  type ExecutionListener,
  ExecutionSimulator,
  QUEUE_MODEL_NAMES,
  QueueModel,
} from "../execution/simulator.js";
import { TimeHeap } from "../execution/time-heap.js";
import { Portfolio } from "../portfolio/portfolio.js";
import { describeLimits, type RiskLimits } from "../risk/limits.js";
import { RiskManager, RiskRequest, type RiskState } from "../risk/manager.js";
import { BarBuilders, BarRecord, Timers } from "./bars.js";
import { BookFace } from "./book-face.js";
import {
  type FillView,
  Liquidity,
  REFUSAL_NAMES,
  RefusalReason,
  type Strategy,
  type StrategyContext,
  TimeInForce,
  type TradeView,
} from "./strategy.js";

/** Per-symbol overrides of instrument facts (configuration wins over the data's definitions). */
export interface InstrumentOverride {
  tickSize?: number;
  multiplier?: number;
  priceScale?: number;
}

/** Everything a run needs besides the strategy and the data. */
export interface EngineOptions {
  /** Data sources, merged by event time; ties go to the earlier source. */
  sources: EventSource[];
  /** Names of the sources (file paths) for reports and messages. */
  sourceNames?: string[];
  strategy: Strategy;
  /** Strategy name (report). */
  strategyName?: string;
  /** Parameters the strategy was built with (report only). */
  params?: Record<string, number | string | boolean>;
  latency?: LatencyConfig;
  /** PRNG seed (latencies; `StrategyInit.seed`). Default 1. */
  seed?: number;
  /** L2 queue model (L3 data is always exact). Default pro-rata. */
  queueModel?: QueueModel;
  /** Fees: one schedule for every instrument, or per symbol with "*" as the default. */
  fees?: FeeSchedule | Record<string, FeeSchedule>;
  risk?: RiskLimits;
  /** Per-symbol instrument overrides (tick size, multiplier, price scale). */
  instruments?: Record<string, InstrumentOverride>;
  /** Strategy symbol → data symbol, for data named differently from the strategy's `instrument`s. */
  symbolMap?: Record<string, string>;
  /** Only events with ts in [fromTs, toTs] (ns since the first source's time base) reach the strategy. */
  fromTs?: number;
  toTs?: number;
  /** The same window as absolute times (ns since the Unix epoch); wins over fromTs/toTs. */
  fromEpochNs?: bigint | null;
  toEpochNs?: bigint | null;
  /** Equity sampling / metrics grid (ns). Default 1 s. */
  sampleIntervalNs?: number;
  initialCapital?: number;
  /** Checked between events: set `aborted` (Ctrl-C) to stop; the report is then marked partial. */
  abort?: { aborted: boolean };
  /** Called every `progressEvery` events (default 65,536) with the events processed so far. */
  onProgress?: (events: number, ts: number) => void;
  progressEvery?: number;
  /** Order pool size hint (grows when needed). */
  orderCapacity?: number;
  /** Extra recorder options (sizing hints, generator version). */
  recorder?: Partial<RecorderOptions>;
  /** Where `ctx.log` lines go besides the report notes (default: kept only). */
  onLog?: (line: string) => void;
}

/** What `run()` returns. */
export interface BacktestResult {
  report: BacktestReport;
  recorder: RunRecorder;
  portfolio: Portfolio;
  instruments: InstrumentInfo[];
  eventsProcessed: number;
  partial: boolean;
  halted: boolean;
  /** Warnings about the data and the run (also in report.assumptions.notes). */
  notes: string[];
  /** Strategy `log` lines. */
  logs: string[];
  /** Refusals per reason name. */
  refusals: Record<string, number>;
}

const C_TIME = 0;
const C_STRAT = 1;
const C_DUE = 2;
const C_LAST = 3;
/** Exchange time of the simulator callback being handled (fills, order ends). */
const C_EXCH = 4;
/** The time setStrategyTime moves the strategy clock to. */
const C_SET = 5;
const REP_FILL = 1;
const REP_DONE = 2;
const UNMAPPED = -1;
const IGNORED = -2;
const F_SNAPSHOT = 32;
/** DBN flag on the last record of one exchange event for an instrument. */
const F_LAST = 128;
/** Rounds of fills answered by new orders the end of a run settles before refusing new orders. */
const END_ROUNDS = 16;
// Slots of ExecutionSimulator.msg (the message being sent).
const MSG_ARRIVE = 0;
const MSG_PRICE = 1;
const MSG_QTY = 2;

/** The reused records handed to handlers. */
class TradeRecord implements TradeView {
  price = 0;
  size = 0;
  aggressor: Side = Side.None;
  ts = 0;
}
class FillRecord implements FillView {
  ref = 0;
  instrument = 0;
  side: Side = Side.Bid;
  price = 0;
  qty = 0;
  fee = 0;
  liquidity: Liquidity = Liquidity.Taker;
  ts = 0;
  remaining = 0;
}

/** The engine. Construct, then `run()` once. */
export class BacktestEngine implements StrategyContext, ExecutionListener, RiskState {
  // ---- StrategyContext state ----
  /**
   * The clocks, in a typed array: [C_TIME] strategy time shown as ctx.time, [C_STRAT] the strategy
   * clock (monotone), [C_DUE] the strategy time of the event being dispatched, [C_LAST] the last
   * event time. Doubles stored in object fields can be boxed by V8; typed-array slots never are.
   */
  private readonly clk = new Float64Array([0, Number.NEGATIVE_INFINITY, 0, Number.NaN, 0, 0]);
  readonly timeBase: bigint;
  instrumentCount = 0;
  lastRefusal: RefusalReason = RefusalReason.None;

  private readonly opts: EngineOptions;
  private readonly strategy: Strategy;
  private readonly sources: EventSource[];
  private readonly srcOffset: Float64Array;
  private readonly srcLive: Uint8Array;
  /** Per source: 1 once its records are known to be grouped by F_LAST (see `rebase`). */
  private readonly srcGrouped: Uint8Array;
  private srcMap: Int32Array[] = [];
  private infos: InstrumentInfo[] = [];
  private books: BookView[] = [];
  /** What `ctx.book(h)` returns: the book behind a face reading the touch registers (book-face.ts). */
  private faces: BookFace[] = [];
  private l3Books: Array<L3Book | null> = [];
  private l2Books: Array<L2Book | null> = [];
  private tick_: Float64Array = new Float64Array(0);
  private fee: FeeSchedule[] = [];
  private feeValue: Float64Array = new Float64Array(0);
  /** Fixed-point units per currency unit, by instrument (toCurrency divides: exact decimals). */
  private unitsPer: Float64Array = new Float64Array(0);

  private readonly rng: SeededRandom;
  private readonly feedLat: LatencyModel;
  private readonly entryLat: LatencyModel;
  private readonly respLat: LatencyModel;
  // Fixed latencies as plain fields (NaN when drawn): no call per event.
  private readonly feedFixedNs: number;
  private readonly entryFixedNs: number;
  private readonly respFixedNs: number;
  private arrivalHead: Float64Array = new Float64Array([Number.POSITIVE_INFINITY]);
  private reportHead: Float64Array;
  private readonly pool: OrderPool;
  private sim!: ExecutionSimulator;
  private portfolio!: Portfolio;
  private recorder!: RunRecorder;
  private readonly risk: RiskManager;
  private readonly limits: RiskLimits;
  private assumptions!: RunAssumptions;
  private l2Text = "";

  // strategy view
  private posSeen: Float64Array = new Float64Array(0);
  private openBuy: Float64Array = new Float64Array(0);
  private openSell: Float64Array = new Float64Array(0);
  /**
   * openBuy and openSell as one array (they are views of it): [h] buy, [n + h] sell, indexed without a
   * branch on the side (`sideOffset`): a branch first taken late in a run has no type feedback,
   * and the deoptimisation that follows runs the order path unoptimised (allocating) for a while.
   */
  private openBySide: Float64Array = new Float64Array(0);
  /** Fee per contract and in bps by [2h + liquidity] (Maker 0, Taker 1): no branch on liquidity. */
  private feePer: Float64Array = new Float64Array(0);
  private feeBps: Float64Array = new Float64Array(0);
  private openCnt: Float64Array = new Float64Array(0);
  private openTotal = 0;
  private quoteBid: Float64Array = new Float64Array(0);
  private quoteAsk: Float64Array = new Float64Array(0);

  // reports to the strategy
  private readonly reports = new TimeHeap(256);
  private repKind = new Int8Array(256);
  private repOrder = new Int32Array(256);
  private repPrice = new Float64Array(256);
  private repQty = new Float64Array(256);
  private repFee = new Float64Array(256);
  private repLiq = new Int8Array(256);
  private repTs = new Float64Array(256);
  private repFree = new Int32Array(256);
  private repFreeN = 0;

  private bars!: BarBuilders;
  private timers!: Timers;
  /** bars.minEnd and timers.minNext (registers): onEvent's "nothing due" test reads them directly. */
  private barEnd = new Float64Array([Number.POSITIVE_INFINITY]);
  private timerNext = new Float64Array([Number.POSITIVE_INFINITY]);
  private readonly barRec = new BarRecord();
  private readonly tradeRec = new TradeRecord();
  private readonly fillRec = new FillRecord();
  // The recorder's argument records (no double crosses a call boundary).
  private readonly markRec = new MarkRecord();
  private readonly recFill = new RecorderFill();
  private readonly recOrder = new OrderRecord();
  private readonly recValue = new RecordValue();
  private readonly riskReq = new RiskRequest();

  private nextSampleTs = Number.NEGATIVE_INFINITY;
  /** A fill or a mark move of an open position since the last kill-switch check. */
  private pnlDirty = true;
  private sampleStep = 1e9;
  /** StrategyContext fast views (see strategy.ts). */
  bestBids: Float64Array = new Float64Array(0);
  bestAsks: Float64Array = new Float64Array(0);
  /** Sizes at the best bid / ask (0 when empty), updated with bestBids / bestAsks (read by BookFace). */
  private bidSizes: Float64Array = new Float64Array(0);
  private askSizes: Float64Array = new Float64Array(0);
  private accepting = false;
  /** In onEnd: only risk-reducing orders are accepted (endRun). */
  private endOnly = false;
  /** onEnd has run: reports are booked but no longer shown to the strategy. */
  private strategyEnded = false;
  /** Events replayed after the strategy's last one to settle messages in flight (endRun). */
  private afterEvents = 0;
  private strategyHalted = false;
  private ready = false;
  private hasReady = false;
  private started = false;
  private fromTs: number;
  private readonly toTs: number;
  private readonly maxOrderQty: number;
  private lastMark: Float64Array = new Float64Array(0);
  // trade-print bookkeeping (see isPrint)
  private coverTs: Float64Array = new Float64Array(0);
  private coverPx: Float64Array = new Float64Array(0);
  private coverQty: Float64Array = new Float64Array(0);
  private seriesNames: string[] = [];
  private readonly notes: string[] = [];
  private readonly logs: string[] = [];
  // book start diagnostics per instrument
  private bookSeen: Uint8Array = new Uint8Array(0);
  /** Market and IOC/FOK orders accepted per instrument (for the note on instruments without a book). */
  private immediateSent: Float64Array = new Float64Array(0);
  private noSnapshot: Uint8Array = new Uint8Array(0);
  private firstBookTs: Float64Array = new Float64Array(0);
  private unknownRefs: Float64Array = new Float64Array(0);
  private lastUnknownTs: Float64Array = new Float64Array(0);
  private snapshotAt: Float64Array = new Float64Array(0);
  private events = 0;
  private firstTs = Number.NaN;

  constructor(options: EngineOptions) {
    if (options.sources.length === 0) throw new RangeError("a backtest needs at least one data source");
    this.opts = options;
    this.strategy = options.strategy;
    this.sources = options.sources;
    let base = options.sources[0].timeBase;
    for (const s of options.sources) if (s.timeBase < base) base = s.timeBase;
    this.timeBase = base;
    this.srcOffset = new Float64Array(options.sources.length);
    for (let i = 0; i < options.sources.length; i++) this.srcOffset[i] = Number(options.sources[i].timeBase - base);
    this.srcLive = new Uint8Array(options.sources.length);
    this.srcGrouped = new Uint8Array(options.sources.length);
    for (let i = 0; i < options.sources.length; i++) this.srcGrouped[i] = options.sources[i].groupsByLastFlag === true ? 1 : 0;
    const seed = options.seed ?? 1;
    this.rng = new SeededRandom(seed);
    const lat = options.latency ?? ZERO_LATENCY;
    this.feedLat = new LatencyModel(lat.feed, this.rng);
    this.entryLat = new LatencyModel(lat.orderEntry, this.rng);
    this.respLat = new LatencyModel(lat.response, this.rng);
    this.feedFixedNs = this.feedLat.fixedNs;
    this.entryFixedNs = this.entryLat.fixedNs;
    this.respFixedNs = this.respLat.fixedNs;
    this.pool = new OrderPool(options.orderCapacity ?? 1024);
    const limits = options.risk ?? options.strategy.risk ?? {};
    this.limits = limits;
    this.risk = new RiskManager(limits);
    this.maxOrderQty = limits.maxOrderQty ?? Number.POSITIVE_INFINITY;
    this.fromTs =
      options.fromEpochNs !== undefined && options.fromEpochNs !== null
        ? Number(options.fromEpochNs - base)
        : (options.fromTs ?? Number.NEGATIVE_INFINITY);
    this.toTs =
      options.toEpochNs !== undefined && options.toEpochNs !== null ? Number(options.toEpochNs - base) : (options.toTs ?? Number.POSITIVE_INFINITY);
    for (let i = 255; i >= 0; i--) this.repFree[this.repFreeN++] = i;
    this.reportHead = this.reports.headTime;
    // Before `from` the events only build the book: no equity sample until the strategy starts.
    if (this.fromTs > Number.NEGATIVE_INFINITY) this.nextSampleTs = Number.POSITIVE_INFINITY;
  }

  // ================================================================== setup

  /** Reads each source's first event and resolves the strategy's instruments to data instruments. */
  private prepare(): void {
    for (let s = 0; s < this.sources.length; s++) {
      this.srcLive[s] = this.sources[s].next() ? 1 : 0;
      if (this.srcLive[s] === 1) this.rebase(s);
    }
    this.readLeadingDefinitions();
    for (let s = 0; s < this.sources.length; s++) {
      this.srcMap.push(new Int32Array(Math.max(8, this.sources[s].instruments.length)).fill(UNMAPPED));
    }
    const declared = this.strategy.instruments ?? ["*"];
    const wildcard = declared.length === 0 || (declared.length === 1 && declared[0] === "*");
    const available: Array<{ src: number; local: number; info: InstrumentInfo }> = [];
    for (let s = 0; s < this.sources.length; s++) {
      const ins = this.sources[s].instruments;
      for (let i = 0; i < ins.length; i++) if (ins[i]) available.push({ src: s, local: i, info: ins[i] });
    }
    const handles: InstrumentInfo[] = [];
    const bind = (h: number, a: { src: number; local: number }): void => {
      const m = this.srcMap[a.src];
      if (a.local >= m.length) {
        const bigger = new Int32Array(a.local + 8).fill(UNMAPPED);
        bigger.set(m);
        this.srcMap[a.src] = bigger;
      }
      this.srcMap[a.src][a.local] = h;
    };
    if (wildcard) {
      const bySymbol = new Map<string, number>();
      for (const a of available) {
        let h = bySymbol.get(a.info.symbol);
        if (h === undefined) {
          h = handles.length;
          bySymbol.set(a.info.symbol, h);
          handles.push(a.info);
        } else if (!(handles[h].tickSize > 0) && a.info.tickSize > 0) handles[h] = a.info; // the source with a definition describes it
        bind(h, a);
      }
    } else {
      const map = this.opts.symbolMap ?? {};
      const symbols = [...new Set(available.map((a) => a.info.symbol))];
      for (let h = 0; h < declared.length; h++) {
        const want = map[declared[h]] ?? declared[h];
        this.addAnnounced(want, available);
        let matches = available.filter((a) => a.info.symbol === want);
        if (matches.length === 0 && declared.length === 1 && symbols.length === 1 && map[declared[h]] === undefined) {
          matches = available;
          this.notes.push(
            `strategy instrument "${declared[h]}" is not in the data; bound to the data's only instrument "${symbols[0]}" (set [instruments] / symbolMap to choose explicitly)`,
          );
        }
        if (matches.length === 0) {
          throw new LookupError(
            `instrument "${want}" (declared by the strategy${want !== declared[h] ? ` as "${declared[h]}"` : ""}) is not in the data; the data has: ${symbols.length === 0 ? "no instruments" : symbols.join(", ")}`,
          );
        }
        // Several sources may hold the symbol (market data, a definitions file): the one with a definition describes it.
        handles.push((matches.find((a) => a.info.tickSize > 0) ?? matches[0]).info);
        for (const a of matches) bind(h, a);
      }
    }
    // Mark every other known instrument as ignored.
    for (let s = 0; s < this.sources.length; s++) {
      const m = this.srcMap[s];
      for (let i = 0; i < m.length; i++) if (m[i] === UNMAPPED && i < this.sources[s].instruments.length) m[i] = IGNORED;
    }
    this.setupInstruments(handles);
  }

  /**
   * Reads the instrument definitions dated before every other event (a definitions file merged with
   * market data: its records are older, so they come first) before the instruments are bound: their
   * tick size, multiplier and symbol then apply whatever the order of the --data files. They count
   * as processed events; nothing else in them concerns the strategy.
   */
  private readLeadingDefinitions(): void {
    const ns = this.sources.length;
    for (;;) {
      let s = -1;
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < ns; i++) {
        if (this.srcLive[i] === 1 && this.sources[i].event.ts < best) {
          best = this.sources[i].event.ts;
          s = i;
        }
      }
      if (s < 0 || best > this.toTs || this.sources[s].event.kind !== EventKind.Definition) return;
      this.events++;
      if (this.sources[s].next()) this.rebase(s);
      else this.srcLive[s] = 0;
    }
  }

  /**
   * Adds to `available` the instrument `want` of every source that names it up front (DBN metadata
   * symbol mappings) though none of its records was read yet: a second symbol of a file binds at
   * the start instead of being taken for missing.
   */
  private addAnnounced(want: string, available: Array<{ src: number; local: number; info: InstrumentInfo }>): void {
    for (let s = 0; s < this.sources.length; s++) {
      const src = this.sources[s];
      if (src.indexForSymbol === undefined || available.some((a) => a.src === s && a.info.symbol === want)) continue;
      const local = src.indexForSymbol(want);
      const info = local >= 0 ? src.instruments[local] : undefined;
      if (info !== undefined && info.symbol === want) available.push({ src: s, local, info });
    }
  }

  private setupInstruments(handles: InstrumentInfo[]): void {
    const n = handles.length;
    const over = this.opts.instruments ?? {};
    this.infos = handles.map((info, h) => {
      const o = over[info.symbol] ?? {};
      return {
        index: h,
        symbol: info.symbol,
        sourceId: info.sourceId,
        priceScale: o.priceScale ?? info.priceScale,
        tickSize: o.tickSize !== undefined ? Math.round(o.tickSize / (o.priceScale ?? info.priceScale)) : info.tickSize,
        multiplier: o.multiplier ?? (info.multiplier > 0 ? info.multiplier : 1),
      };
    });
    this.instrumentCount = n;
    this.books = new Array<BookView>(n).fill(EMPTY_BOOK);
    this.l3Books = new Array<L3Book | null>(n).fill(null);
    this.l2Books = new Array<L2Book | null>(n).fill(null);
    this.tick_ = new Float64Array(n);
    this.feeValue = new Float64Array(n);
    this.unitsPer = new Float64Array(n);
    for (let h = 0; h < n; h++) this.unitsPer[h] = unitsPerCurrency(this.infos[h].priceScale);
    for (let h = 0; h < n; h++) {
      this.tick_[h] = this.infos[h].tickSize > 0 ? this.infos[h].tickSize : 1;
      if (!(this.infos[h].tickSize > 0)) {
        this.notes.push(
          `tick size of "${this.infos[h].symbol}" unknown (no definition in the data): order prices are not checked against a tick grid, \`N ticks\` (in order prices and the risk block's price_band) counts N of the data's smallest price unit (${this.infos[h].priceScale}), and P&L is kept in price units; set instruments.${this.infos[h].symbol}.tick_size (and multiplier) in the configuration`,
        );
      }
      this.feeValue[h] = this.infos[h].priceScale * this.infos[h].multiplier;
    }
    const fees = this.opts.fees;
    this.fee = this.infos.map((info) => {
      if (fees === undefined) return NO_FEES;
      if (isFeeSchedule(fees)) return fees;
      return fees[info.symbol] ?? fees["*"] ?? NO_FEES;
    });
    this.feePer = new Float64Array(2 * n);
    this.feeBps = new Float64Array(2 * n);
    for (let h = 0; h < n; h++) {
      const f = this.fee[h];
      this.feePer[2 * h + Liquidity.Maker] = f.makerPerContract;
      this.feePer[2 * h + Liquidity.Taker] = f.takerPerContract;
      this.feeBps[2 * h + Liquidity.Maker] = f.makerBps;
      this.feeBps[2 * h + Liquidity.Taker] = f.takerBps;
    }
    this.posSeen = new Float64Array(n);
    this.bestBids = new Float64Array(n).fill(Number.NaN);
    this.bestAsks = new Float64Array(n).fill(Number.NaN);
    this.bidSizes = new Float64Array(n);
    this.askSizes = new Float64Array(n);
    this.faces = [];
    for (let h = 0; h < n; h++) this.faces.push(new BookFace(h, EMPTY_BOOK, this.bestBids, this.bestAsks, this.bidSizes, this.askSizes));
    this.openBySide = new Float64Array(2 * n);
    this.openBuy = this.openBySide.subarray(0, n);
    this.openSell = this.openBySide.subarray(n, 2 * n);
    this.openCnt = new Float64Array(n);
    this.quoteBid = new Float64Array(n);
    this.quoteAsk = new Float64Array(n);
    this.lastMark = new Float64Array(n).fill(Number.NaN);
    this.coverTs = new Float64Array(n);
    this.coverPx = new Float64Array(n);
    this.coverQty = new Float64Array(n);
    this.bookSeen = new Uint8Array(n);
    this.immediateSent = new Float64Array(n);
    this.noSnapshot = new Uint8Array(n);
    this.firstBookTs = new Float64Array(n);
    this.unknownRefs = new Float64Array(n);
    this.lastUnknownTs = new Float64Array(n).fill(Number.NaN);
    this.snapshotAt = new Float64Array(n).fill(Number.NaN);
    this.portfolio = new Portfolio(this.infos);
    this.sim = new ExecutionSimulator(n, this.pool, this, this.opts.queueModel ?? QueueModel.ProRata);
    this.sim.setTouch(this.bestBids, this.bestAsks);
    this.arrivalHead = this.sim.arrivalHead;
    const subs = this.strategy.subscriptions?.({ instruments: this.infos, seed: this.opts.seed ?? 1 }) ?? {};
    for (const b of subs.bars ?? []) {
      if (!(b.instrument >= 0 && b.instrument < n)) throw new RangeError(`bar subscription for instrument handle ${b.instrument}: the strategy has ${n} instruments`);
    }
    this.bars = new BarBuilders(subs.bars ?? [], this.timeBase);
    this.timers = new Timers(subs.timersNs ?? [], this.timeBase);
    this.barEnd = this.bars.minEnd;
    this.timerNext = this.timers.minNext;
    this.hasReady = typeof this.strategy.isReady === "function";
  }

  private makeRecorder(): void {
    const lat = this.opts.latency ?? ZERO_LATENCY;
    const exact = "exact from order ids (L3/MBO data)";
    const l2 = `${QUEUE_MODEL_NAMES[this.opts.queueModel ?? QueueModel.ProRata]} (L2 data: trades advance the queue; ${
      (this.opts.queueModel ?? QueueModel.ProRata) === QueueModel.Worst
        ? "cancels never do"
        : (this.opts.queueModel ?? QueueModel.ProRata) === QueueModel.Best
          ? "every cancel at the level does"
          : "cancels advance it in proportion to the size ahead"
      })`;
    this.assumptions = {
      latency: `feed ${describeLatency(lat.feed)}; order entry ${describeLatency(lat.orderEntry)}; response ${describeLatency(lat.response)}; seed ${this.opts.seed ?? 1}`,
      queueModel: `${exact} / ${l2}`,
      fees: this.infos.map((info, h) => `${info.symbol}: ${describeFees(this.fee[h])}`).join("; ") || "none",
      notes: this.notes,
    };
    this.l2Text = l2;
    this.sampleStep = this.opts.sampleIntervalNs ?? this.opts.recorder?.sampleIntervalNs ?? 1e9;
    this.recorder = new RunRecorder({
      ...this.opts.recorder,
      instruments: this.infos,
      timeBase: this.timeBase,
      sampleIntervalNs: this.sampleStep,
      initialCapital: this.opts.initialCapital ?? this.opts.recorder?.initialCapital ?? 100_000,
      assumptions: this.assumptions,
      recordSeries: this.seriesNames,
      refusalReasons: REFUSAL_NAMES,
      hasWarmup: this.hasReady,
      strategy: this.opts.strategyName ?? this.opts.recorder?.strategy,
      dataFiles: this.opts.sourceNames ?? this.opts.recorder?.dataFiles,
      params: this.opts.params ?? this.opts.recorder?.params,
      seed: this.opts.seed ?? 1,
    });
  }

  // ================================================================== the loop

  private wallStart = 0;
  private partial = false;
  private partialReason = "";
  private phase = 0; // 0 new, 1 running, 2 data done, 3 finished

  /** Runs the backtest to the end of the data (or until aborted) and builds the report. */
  run(): BacktestResult {
    this.start();
    while (!this.step(Number.POSITIVE_INFINITY));
    return this.finish();
  }

  /**
   * The same, yielding to the event loop every `slice` events (so a SIGINT handler can set
   * `abort.aborted`, and a progress bar can redraw). Results are identical to `run()`.
   */
  async runAsync(slice = 1 << 16): Promise<BacktestResult> {
    this.start();
    while (!this.step(slice)) await new Promise<void>((r) => setImmediate(r));
    return this.finish();
  }

  /** Reads the sources' first events, resolves instruments, builds the recorder. */
  start(): void {
    if (this.phase !== 0) throw new Error("BacktestEngine.start() called twice");
    this.wallStart = performance.now();
    this.prepare();
    this.notes.push(`risk limits: ${describeLimits(this.limits)}`);
    this.makeRecorder();
    this.phase = 1;
  }

  /** Processes up to `maxEvents` events; true when the data (or the run) is over. */
  step(maxEvents: number): boolean {
    if (this.phase !== 1) return true;
    const progressEvery = this.opts.progressEvery ?? 65536;
    const abort = this.opts.abort;
    const onProgress = this.opts.onProgress;
    const ns = this.sources.length;
    for (let done = 0; done < maxEvents; done++) {
      // Pick the source with the earliest event (ties: lower source index).
      let s = ns === 1 ? (this.srcLive[0] === 1 ? 0 : -1) : -1;
      if (ns > 1) {
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < ns; i++) {
          if (this.srcLive[i] === 1 && this.sources[i].event.ts < best) {
            best = this.sources[i].event.ts;
            s = i;
          }
        }
      }
      if (s < 0) break;
      if (abort !== undefined && abort.aborted) {
        this.partial = true;
        this.partialReason = "interrupted";
        break;
      }
      const src = this.sources[s];
      const ev = src.event;
      if (ev.ts > this.toTs) break;
      if (!this.started && ev.ts >= this.fromTs) this.startStrategyAt(ev);
      this.onEvent(s, ev);
      this.events++;
      if (onProgress !== undefined && this.events % progressEvery === 0) onProgress(this.events, ev.ts);
      if (src.next()) this.rebase(s);
      else this.srcLive[s] = 0;
      if (done + 1 >= maxEvents) return false;
    }
    this.phase = 2;
    return true;
  }

  /** Events processed so far and the last event time (progress display). */
  progress(): { events: number; ts: number } {
    return { events: this.events, ts: this.clk[C_LAST] };
  }

  /** Ends the run (in-flight orders, final reports, onEnd) and builds the report. */
  finish(): BacktestResult {
    if (this.phase === 1) {
      this.partial = true;
      this.partialReason = "stopped before the end of the data";
    }
    this.phase = 3;
    if (!this.started) this.startStrategy(this.clk[C_LAST] === this.clk[C_LAST] ? this.clk[C_LAST] : 0);
    this.endRun();
    for (const s of this.sources) s.close();
    const wall = (performance.now() - this.wallStart) / 1000;
    const report = this.recorder.finish(this.clk[C_LAST], {
      equity: (this.opts.initialCapital ?? 100_000) + this.portfolio.totalNet(),
      partial: this.partial,
      partialReason: this.partial ? this.partialReason : undefined,
      halted: this.risk.halted && this.strategyHalted,
      eventsProcessed: this.events,
      wallSeconds: wall,
    });
    const refusals: Record<string, number> = {};
    for (let r = 1; r < REFUSAL_NAMES.length; r++) if (this.risk.refusals[r] > 0) refusals[REFUSAL_NAMES[r]] = this.risk.refusals[r];
    return {
      report,
      recorder: this.recorder,
      portfolio: this.portfolio,
      instruments: this.infos,
      eventsProcessed: this.events,
      partial: this.partial,
      halted: this.strategyHalted,
      notes: this.notes,
      logs: this.logs,
      refusals,
    };
  }

  private startStrategyAt(ev: MarketEvent): void {
    this.startStrategy(ev.ts);
  }

  private startStrategy(ts: number): void {
    // With a `from`, the events before it only build the book: the run (its start, the warm-up
    // span) begins where the strategy does.
    if (this.fromTs > Number.NEGATIVE_INFINITY) {
      this.recorder.firstTs = ts;
      this.nextSampleTs = Number.NEGATIVE_INFINITY;
    }
    this.started = true;
    this.clk[C_TIME] = ts;
    this.accepting = true;
    this.timers.start(ts);
    this.strategy.onStart?.(this);
    this.checkReadyAt(ts);
  }

  /**
   * Brings the source's current event onto the run's clock: the time-base offset, and a bar read
   * from data (stamped with its OPEN time, events.ts) moves to its close, open + length — a bar is
   * known only once it has closed (no look-ahead), so it is merged and delivered at that time.
   */
  private rebase(s: number): void {
    const ev = this.sources[s].event;
    // F_LAST: a strategy sees the book only after the last record of an exchange event (onEvent's
    // onBook); a source not declared grouped counts every record as last until its first F_LAST.
    if ((ev.flags & F_LAST) !== 0) this.srcGrouped[s] = 1;
    const off = this.srcOffset[s];
    if (off !== 0) {
      ev.ts += off;
      ev.tsRecv += off;
    }
    if (ev.kind === EventKind.Bar) {
      const len = ev.aux > 0 ? ev.aux : 0;
      ev.ts += len;
      ev.tsRecv += len;
    }
  }

  private handleOf(s: number, local: number): number {
    const m = this.srcMap[s];
    if (local < m.length) {
      const h = m[local];
      if (h !== UNMAPPED) return h;
    }
    return this.lateInstrument(s, local);
  }

  /** An instrument first seen after the start: bind it when it is one the strategy declared. */
  private lateInstrument(s: number, local: number): number {
    let m = this.srcMap[s];
    if (local >= m.length) {
      const bigger = new Int32Array(local + 8).fill(UNMAPPED);
      bigger.set(m);
      this.srcMap[s] = m = bigger;
    }
    const info = this.sources[s].instruments[local];
    let h = IGNORED;
    if (info) {
      const declared = this.strategy.instruments ?? ["*"];
      const map = this.opts.symbolMap ?? {};
      for (let k = 0; k < declared.length; k++) {
        if ((map[declared[k]] ?? declared[k]) === info.symbol && k < this.instrumentCount && this.lateFits(k, info.symbol)) h = k;
      }
      if (h === IGNORED && !this.notes.some((n) => n.startsWith(`instrument "${info.symbol}" first appeared after the start, but`))) {
        this.notes.push(`instrument "${info.symbol}" first appeared after the start and is not traded by the strategy: its events were skipped`);
      }
    }
    m[local] = h;
    return h;
  }

  /** A late instrument joins handle k only when k is bound to that same data symbol (never onto another instrument's handle). */
  private lateFits(k: number, symbol: string): boolean {
    const bound = this.infos[k].symbol;
    if (bound === symbol) return true;
    this.notes.push(`instrument "${symbol}" first appeared after the start, but the strategy's instrument was already bound to "${bound}": its events were skipped`);
    return false;
  }

  private onEvent(s: number, ev: MarketEvent): void {
    const ts = ev.ts;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    this.clk[C_LAST] = ts;
    // Exchange: messages that arrived before this event meet the book first.
    if (this.arrivalHead[0] <= ts) {
      this.sim.advanceToEvent(ev);
      this.sim.tidy();
    }
    const h = this.handleOf(s, ev.instrument);
    if (h < 0) return;
    if (ts >= this.nextSampleTs) this.sample();
    const k = ev.kind;
    const isBookEvent = k <= EventKind.Execute || k === EventKind.Clear || k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot;
    const isPrint = this.isPrint(h, ev);
    if (isBookEvent) {
      if (this.bookSeen[h] === 0) this.firstBookEvent(h, ev);
      this.bookApply(h, ev, isPrint);
      this.markIfChanged(h);
    } else if (k === EventKind.Trade || k === EventKind.Fill) {
      this.sim.beforeEvent(ev, h);
      this.sim.afterEvent(ev, h, isPrint);
    }
    // Net P&L changes only with a fill or a mark move while a position is open (pnlDirty).
    if (this.pnlDirty && this.risk.maxLoss === this.risk.maxLoss && !this.risk.halted) {
      this.pnlDirty = false;
      this.checkKillSwitch();
    }
    if (ts < this.fromTs) return;
    // Shorter data bars build the longer bars the strategy subscribed to, folded before the due
    // check (the last one of a window closes it at once) — except one that opens a new window
    // while the previous is still open: that one waits until the due check has closed it.
    const barPending = k === EventKind.Bar && this.bars.count > 0 && this.bars.onBarEvent(h, ev);
    // Strategy side.
    const ff = this.feedFixedNs;
    let t = ts;
    if (ff === ff) t += ff;
    else {
      this.feedLat.draw();
      t += this.feedLat.out[0];
    }
    if (t < this.clk[C_STRAT]) t = this.clk[C_STRAT];
    this.clk[C_DUE] = t;
    // Nothing due is the common case: tested here, so the call happens only when something is.
    if (this.reportHead[0] <= t || this.barEnd[0] <= ts || this.timerNext[0] <= t) this.dispatchDue();
    if (barPending) {
      this.bars.onBarEvent(h, ev);
      if (this.barEnd[0] <= ts) this.dispatchDue();
    }
    this.clk[C_STRAT] = t;
    this.clk[C_TIME] = t;
    if (this.strategyHalted) return;
    if (isPrint && this.bars.count > 0) this.bars.onPrintEvent(h, ev);
    if (isPrint && this.strategy.onTrade !== undefined) {
      const tr = this.tradeRec;
      tr.price = ev.price;
      tr.size = ev.size;
      tr.aggressor = k === EventKind.Trade ? ev.aggressor : k === EventKind.Fill ? ev.aggressor : (-ev.side as Side);
      tr.ts = ts;
      this.strategy.onTrade(this, h, tr);
    }
    if (k === EventKind.Bar && this.strategy.onBar !== undefined && this.bars.find(h, ev.aux) >= 0) {
      const b = this.barRec;
      b.open = ev.open;
      b.high = ev.high;
      b.low = ev.low;
      b.close = ev.close;
      b.volume = ev.volume;
      b.start = ts - (ev.aux > 0 ? ev.aux : 0);
      this.strategy.onBar(this, h, ev.aux, b);
    }
    if (isBookEvent && this.strategy.onBook !== undefined && ((ev.flags & F_LAST) !== 0 || this.srcGrouped[s] === 0)) this.strategy.onBook(this, h);
    if (!this.ready && this.hasReady) this.checkReady();
  }

  /**
   * Whether an event is a trade print (onTrade, bars, stops). Trade events always are. An Execute or
   * Fill is the per-order side of a print when a Trade at the same time and price announced that
   * volume just before (synthetic data, DBN 'T' + 'F'): it is then not counted again; otherwise
   * (LOBSTER visible executions) it is the print.
   */
  private isPrint(h: number, ev: MarketEvent): boolean {
    const k = ev.kind;
    if (k === EventKind.Trade) {
      this.coverTs[h] = ev.ts;
      this.coverPx[h] = ev.price;
      this.coverQty[h] = ev.size;
      return true;
    }
    if (k !== EventKind.Execute && k !== EventKind.Fill) return false;
    if (this.coverQty[h] > 0 && this.coverTs[h] === ev.ts && this.coverPx[h] === ev.price) {
      this.coverQty[h] -= ev.size;
      return false;
    }
    return true;
  }

  private bookApply(h: number, ev: MarketEvent, isPrint: boolean): void {
    const k = ev.kind;
    this.sim.beforeEvent(ev, h);
    const l3 = this.l3Books[h];
    if (l3 !== null) {
      if (this.noSnapshot[h] === 1 && k >= EventKind.Cancel && k <= EventKind.Execute) {
        // A cancel / delete / modify / execute of an id the book never saw is an anomaly the book
        // counts while applying it: compare its unknown-id counters around the apply (cheaper than
        // looking the id up a second time).
        const c = l3.anomalies.count;
        const before = c[AnomalyKind.UnknownCancel] + c[AnomalyKind.UnknownExecute] + c[AnomalyKind.UnknownModify];
        l3.apply(ev);
        if (c[AnomalyKind.UnknownCancel] + c[AnomalyKind.UnknownExecute] + c[AnomalyKind.UnknownModify] !== before) {
          this.unknownRefs[h]++;
          this.lastUnknownTs[h] = ev.ts;
        }
      } else {
        if (k === EventKind.Clear && this.noSnapshot[h] === 1 && this.snapshotAt[h] !== this.snapshotAt[h]) this.snapshotAt[h] = ev.ts;
        l3.apply(ev);
      }
    } else {
      const l2 = this.l2Books[h];
      if (l2 !== null) l2.apply(ev);
    }
    this.updateTouch(h);
    this.sim.afterEvent(ev, h, isPrint);
  }

  /**
   * Best bid / ask registers of an instrument, after its book changed: the book writes its touch
   * straight into the registers (`touchInto`, one call instead of four getters whose double
   * returns would be boxed when V8 does not inline them).
   */
  private updateTouch(h: number): void {
    const l3 = this.l3Books[h];
    if (l3 !== null) {
      l3.touchInto(h, this.bestBids, this.bestAsks, this.bidSizes, this.askSizes);
      return;
    }
    const l2 = this.l2Books[h];
    if (l2 !== null) {
      l2.touchInto(h, this.bestBids, this.bestAsks, this.bidSizes, this.askSizes);
      return;
    }
    this.bestBids[h] = Number.NaN;
    this.bestAsks[h] = Number.NaN;
    this.bidSizes[h] = 0;
    this.askSizes[h] = 0;
  }

  /** Creates the instrument's book from the kind of its first book event; notes a missing snapshot. */
  private firstBookEvent(h: number, ev: MarketEvent): void {
    this.bookSeen[h] = 1;
    this.firstBookTs[h] = ev.ts;
    const k = ev.kind;
    if (k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot) {
      const b = new L2Book(h);
      this.l2Books[h] = b;
      this.books[h] = b;
      this.faces[h].attach(b);
      this.sim.setBook(h, b, null);
    } else {
      const b = new L3Book(h, { crossCheckOnLastOnly: true });
      this.l3Books[h] = b;
      this.books[h] = b;
      this.faces[h].attach(b);
      this.sim.setBook(h, b, b);
      if (k !== EventKind.Clear && (ev.flags & F_SNAPSHOT) === 0) this.noSnapshot[h] = 1;
    }
  }

  // Doubles passed to a call V8 does not inline are boxed (a heap allocation): the per-event helpers
  // below read the event time from fields instead of taking it as an argument.
  /** Equity sample on the recorder's grid at the current event (its own check decides; ours only avoids a call per event). */
  private sample(): void {
    const ts = this.clk[C_LAST];
    if (ts >= this.recorder.nextSampleTs) {
      const r = this.sampleReg;
      r[0] = ts;
      this.portfolio.computeTotalNet();
      r[1] = (this.opts.initialCapital ?? 100_000) + this.portfolio.netOut[0];
      this.recorder.onSampleFrom(r);
    }
    const step = this.sampleStep;
    this.nextSampleTs = (Math.floor(ts / step) + 1) * step;
  }

  private markIfChanged(h: number): void {
    const ts = this.clk[C_LAST];
    const bid = this.bestBids[h];
    const ask = this.bestAsks[h];
    const m = bid === bid && ask === ask ? (bid + ask) / 2 : bid === bid ? bid : ask;
    if (m === m && m !== this.lastMark[h]) {
      this.lastMark[h] = m;
      // Same effect as portfolio.mark / recorder.onMark, written through their public arrays: a
      // call with double arguments allocates when V8 does not inline it. The recorder needs the
      // call itself only while a round trip is open (excursions), i.e. while the position is not 0.
      const p = this.portfolio;
      p.markUnits[h] = m / p.unit[h];
      const rec = this.recorder;
      if (p.position[h] !== 0) {
        this.pnlDirty = true;
        const mr = this.markRec;
        mr.ts = ts;
        mr.instrument = h;
        mr.price = m;
        rec.onMarkRecord(mr);
      }
      else {
        if (rec.firstTs !== rec.firstTs) rec.firstTs = ts;
        rec.lastTs = ts;
        rec.lastMark[h] = m;
      }
    }
  }

  /** Delivers everything due on the strategy clock up to `t`, in time order (ties: reports, bars, timers). */
  private dispatchDue(): void {
    const exchTs = this.clk[C_LAST];
    const t = this.clk[C_DUE];
    const barEnd = this.bars.minEnd;
    const timerNext = this.timers.minNext;
    const repHead = this.reportHead;
    // Fast exit (the common case): nothing due. Registers, not calls: no boxing per event.
    if (repHead[0] > t && barEnd[0] > exchTs && timerNext[0] > t) return;
    for (;;) {
      const rt = repHead[0];
      const bj = barEnd[0] <= exchTs ? this.bars.dueBefore(exchTs) : -1;
      const bt = bj >= 0 ? this.bars.endOf(bj) + (t - exchTs) : Number.POSITIVE_INFINITY;
      const tj = timerNext[0] <= t ? this.timers.due(t) : -1;
      const tt = tj >= 0 ? this.timers.next[tj] : Number.POSITIVE_INFINITY;
      if (rt <= t && rt <= bt && rt <= tt) {
        this.deliverReport();
      } else if (bj >= 0 && bt <= tt) {
        this.bars.take(bj, this.barRec);
        this.clk[C_SET] = bt;
        this.setStrategyTime();
        if (!this.strategyHalted) this.strategy.onBar?.(this, this.bars.inst[bj], this.bars.len[bj], this.barRec);
      } else if (tj >= 0) {
        this.timers.advance(tj);
        this.clk[C_SET] = tt;
        this.setStrategyTime();
        if (!this.strategyHalted) this.strategy.onTimer?.(this, tj);
      } else {
        return;
      }
    }
  }

  /** Moves the strategy clock to clk[C_SET] (never backwards) and shows it as ctx.time. */
  private setStrategyTime(): void {
    const c = this.clk;
    if (c[C_SET] > c[C_STRAT]) c[C_STRAT] = c[C_SET];
    c[C_TIME] = c[C_STRAT];
  }

  /** checkReadyAt the current event's exchange time (per-event form: no double argument). */
  private checkReady(): void {
    this.checkReadyAt(this.clk[C_LAST]);
  }

  /** Marks the strategy ready (metrics start at `ts`) once it says so. */
  private checkReadyAt(ts: number): void {
    if (this.ready) return;
    if (!this.hasReady || this.strategy.isReady!()) {
      this.ready = true;
      if (this.hasReady && this.recorder !== undefined) this.recorder.onReady(ts, this.equity());
    }
  }

  private equity(): number {
    return (this.opts.initialCapital ?? 100_000) + this.portfolio.totalNet();
  }

  private checkKillSwitch(): void {
    this.portfolio.computeTotalNet();
    if (this.portfolio.netOut[0] > -this.risk.maxLoss) return;
    this.risk.halted = true;
    this.strategyHalted = true;
    this.notes.push(
      `max_loss kill switch fired at ${isoFromNs(this.timeBase, this.clk[C_LAST])} (net P&L ${this.portfolio.totalNet().toFixed(2)} <= -${this.risk.maxLoss}): all orders cancelled, positions flattened, trading halted`,
    );
    if (this.clk[C_STRAT] < this.clk[C_LAST]) {
      this.clk[C_SET] = this.clk[C_LAST];
      this.setStrategyTime();
    }
    this.cancelAll(-1);
    for (let h = 0; h < this.instrumentCount; h++) this.flattenKnown(h, this.portfolio.position[h]);
  }

  /**
   * The end of the run (end of the data, `--to`, Ctrl-C or after a kill switch):
   * 1. settle: messages in flight reach the exchange and their reports reach the strategy, which may
   *    still react as during the run (bounded: END_ROUNDS rounds);
   * 2. `onEnd`, in which only risk-reducing actions are accepted: `flatten`, cancels, and market
   *    orders that reduce the position without flipping it (exempt from every limit, like flatten);
   *    anything else is refused (`halted`);
   * 3. settle again: those orders reach the exchange after the order-entry latency; their fills
   *    are booked (portfolio, report) but no longer shown to the strategy.
   * A message meets the book as the data has it at its arrival time when the data goes on past the
   * last event the strategy saw (a `--to` cut, Ctrl-C): the book keeps replaying, unseen by the
   * strategy, until nothing is in flight. When the data is exhausted it meets the last book state.
   */
  private endRun(): void {
    this.settle();
    if (this.started) {
      this.endOnly = true;
      this.strategy.onEnd?.(this);
      this.strategyEnded = true;
      this.settle();
    }
    this.accepting = false;
    for (let h = 0; h < this.instrumentCount; h++) {
      const sym = this.infos[h].symbol;
      if (this.bookSeen[h] === 0) {
        const sent = this.immediateSent[h];
        this.notes.push(
          `instrument "${sym}" had no book events in the data` +
            (sent > 0
              ? `: market and IOC/FOK orders fill only against a book, so the ${sent} sent on it found no liquidity and were cancelled unfilled (only resting limit orders can fill here, when a trade print crosses their price); backtest on data with a book (MBO, MBP, BBO, LOBSTER) to trade it`
              : ""),
        );
      }
      if (this.noSnapshot[h] === 1 && (this.unknownRefs[h] > 0 || this.snapshotAt[h] === this.snapshotAt[h])) {
        const start = this.firstBookTs[h];
        const snap = this.snapshotAt[h];
        const last = this.lastUnknownTs[h];
        this.notes.push(
          `the MBO data for "${sym}" starts without a snapshot (no Clear/snapshot record at the start): ` +
            (snap === snap
              ? `the book was built from the first snapshot at +${fmtSeconds(snap - start)}; `
              : "") +
            (this.unknownRefs[h] > 0
              ? `${this.unknownRefs[h]} events referred to orders the book never saw, the last ${fmtSeconds(last - start)} after the start — the book was incomplete at least that long`
              : "no event referred to an unknown order"),
        );
      }
    }
    // A crossed or locked book (a pre-open auction, a feed gap) is a state the static price-band
    // proof assumes away ("the book is not crossed"): say how often the data had one.
    for (let h = 0; h < this.instrumentCount; h++) {
      const l3 = this.l3Books[h];
      if (l3 === null) continue;
      const crossed = l3.anomalies.count[AnomalyKind.Crossed]!;
      const locked = l3.anomalies.count[AnomalyKind.Locked]!;
      if (crossed + locked === 0) continue;
      const first = Math.min(
        crossed > 0 ? l3.anomalies.firstTs[AnomalyKind.Crossed]! : Infinity,
        locked > 0 ? l3.anomalies.firstTs[AnomalyKind.Locked]! : Infinity,
      );
      this.notes.push(
        `the book of "${this.infos[h].symbol}" was crossed ${crossed} and locked ${locked} times in the data (first at ${isoFromNs(this.timeBase, first)}); ` +
          "prices and features read it as it was, and price-band checks against a crossed book can refuse orders the compiler's proof allowed",
      );
    }
    // State the queue model that actually applied, per kind of data seen.
    const l3 = this.infos.filter((_, h) => this.l3Books[h] !== null).map((i) => i.symbol);
    const l2 = this.infos.filter((_, h) => this.l2Books[h] !== null).map((i) => i.symbol);
    const parts: string[] = [];
    if (l3.length > 0) parts.push(`exact from order ids (L3/MBO data: ${l3.join(", ")})`);
    if (l2.length > 0) parts.push(`${this.l2Text}: ${l2.join(", ")}`);
    if (parts.length === 0) parts.push("no book data");
    this.assumptions.queueModel = `${parts.join("; ")}; our orders consume the liquidity they take until the level shrinks below it; no market impact, no self-matching`;
    if (this.portfolio.inexact) this.notes.push("P&L left the exact integer range (or a fill price was off the tick grid): amounts are approximate");
    if (this.sim.inFlight > 0) this.notes.push(`${this.sim.inFlight} order messages were still in flight at the end`);
    // What the readers noted about the data (records skipped or read approximately: the DBN
    // reader's unknown rtypes and actions…), for the report's notes and the console summary.
    for (const src of this.sources) {
      const f = (src as { notes?: unknown }).notes;
      if (typeof f !== "function") continue;
      const got: unknown = f.call(src);
      if (Array.isArray(got)) for (const n of got) if (typeof n === "string" && !this.notes.includes(n)) this.notes.push(n);
    }
    if (this.afterEvents > 0) {
      this.notes.push(
        `orders in flight at the end of the run (and those of \`on end\`) met the book as the data had it at their arrival: ${this.afterEvents} events after the strategy's last one were replayed to the book, unseen by the strategy`,
      );
    }
  }

  /**
   * Runs every in-flight message and delivers every report (see endRun). Market data after the
   * strategy's last event keeps feeding the books while messages are in flight; the strategy does
   * not see it and no equity sample is taken from it.
   */
  private settle(): void {
    this.fromTs = Number.POSITIVE_INFINITY;
    this.nextSampleTs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < END_ROUNDS; round++) {
      while (this.arrivalHead[0] !== Number.POSITIVE_INFINITY) {
        const s = this.pickSource();
        if (s < 0) break;
        const src = this.sources[s];
        this.onEvent(s, src.event);
        this.afterEvents++;
        if (src.next()) this.rebase(s);
        else this.srcLive[s] = 0;
      }
      this.sim.drain();
      this.sim.tidy();
      if (this.reports.size === 0) return;
      while (this.reports.size > 0) this.deliverReport();
    }
    // The strategy kept answering its own reports with new orders: stop accepting them.
    this.accepting = false;
    this.notes.push(`the strategy kept sending orders in answer to fills after the end of the data; new orders were refused after ${END_ROUNDS} rounds`);
    this.sim.drain();
    this.sim.tidy();
    while (this.reports.size > 0) this.deliverReport();
  }

  /** The live source with the earliest event (ties: lower index), or -1. */
  private pickSource(): number {
    let s = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.sources.length; i++) {
      if (this.srcLive[i] === 1 && (s < 0 || this.sources[i].event.ts < best)) {
        best = this.sources[i].event.ts;
        s = i;
      }
    }
    return s;
  }

  /**
   * In `onEnd`: whether a market order on `side` for `qty` only reduces the position the strategy
   * knows (counting the open orders on that side), without flipping it.
   */
  private reducesAtEnd(inst: number, side: Side, qty: number): boolean {
    const pos = this.posSeen[inst];
    if (side === Side.Ask) return pos > 0 && pos - this.openSell[inst] - qty >= 0;
    return pos < 0 && pos + this.openBuy[inst] + qty <= 0;
  }

  // ================================================================== exchange → engine

  /** @internal ExecutionListener: a fill at the exchange (price and time in the simulator's registers). */
  onExchangeFill(o: SimOrder, liquidity: Liquidity): void {
    const sim = this.sim;
    const price = sim.fillPx[0];
    const qty = sim.fillQty[0];
    const ts = sim.exchangeTime;
    const h = o.inst;
    const notional = price * qty * this.feeValue[h];
    // feeOf's formula, inline (a call V8 does not inline would box the notional and the fee), and
    // without a branch on the liquidity (taker fills are rare: see openBySide).
    const j = 2 * h + liquidity;
    const fee = this.feePer[j] * qty + (this.feeBps[j] * Math.abs(notional)) / 10000;
    const fr = this.recFill;
    fr.ts = ts;
    fr.instrument = h;
    fr.side = o.side;
    fr.price = price;
    fr.qty = qty;
    fr.fee = fee;
    fr.liquidity = liquidity;
    fr.orderRef = o.ref;
    fr.queueTimeNs = liquidity === Liquidity.Maker ? ts - o.arrivedAt : -1;
    this.portfolio.applyFillRecord(fr);
    this.pnlDirty = true;
    this.recorder.onFillRecord(fr);
    this.clk[C_EXCH] = ts;
    const r = this.queueReport(REP_FILL, o);
    this.repPrice[r] = price;
    this.repQty[r] = qty;
    this.repFee[r] = fee;
    this.repLiq[r] = liquidity;
  }

  /** @internal ExecutionListener: an order ended at the exchange (at the simulator's exchangeTime). */
  onExchangeDone(o: SimOrder, reason: DoneReason, refusal: RefusalReason): void {
    this.clk[C_EXCH] = this.sim.exchangeTime;
    if (reason === DoneReason.Cancelled || reason === DoneReason.Expired) this.recorder.onCancelAt(this.clk, C_EXCH, o.inst, o.ref);
    else if (reason === DoneReason.Rejected) {
      this.recorder.onRefusalAt(this.clk, C_EXCH, refusal);
      this.risk.countRefusal(refusal);
    }
    this.queueReport(REP_DONE, o);
  }

  /** @internal ExecutionListener: arrival (nothing to do: the order records its arrival time). */
  onExchangeArrive(_o: SimOrder): void {}

  /** Queues a report of order `o` made at exchange time clk[C_EXCH]; returns its slot. */
  private queueReport(kind: number, o: SimOrder): number {
    if (this.repFreeN === 0) this.growReports();
    const r = this.repFree[--this.repFreeN];
    const ts = this.clk[C_EXCH];
    this.repKind[r] = kind;
    this.repOrder[r] = o.slot;
    this.repTs[r] = ts;
    const rf = this.respFixedNs;
    let at = ts;
    if (rf === rf) at += rf;
    else {
      this.respLat.draw();
      at += this.respLat.out[0];
    }
    if (at < o.lastReportAt) at = o.lastReportAt;
    o.lastReportAt = at;
    o.pending++;
    this.reports.inTime[0] = at;
    this.reports.pushIn(r);
    return r;
  }

  /** Delivers the earliest queued report (at its delivery time, reportHead[0]) to the strategy. */
  private deliverReport(): void {
    this.clk[C_SET] = this.reportHead[0];
    const r = this.reports.pop();
    const o = this.pool.orders[this.repOrder[r]];
    o.pending--;
    this.repFree[this.repFreeN++] = r;
    this.setStrategyTime();
    const h = o.inst;
    if (this.repKind[r] === REP_FILL) {
      const q = this.repQty[r];
      o.seenFilled += q;
      this.posSeen[h] += o.side * q;
      if (!o.seenDone) this.openBySide[h + sideOffset(o.side) * this.instrumentCount] -= q;
      const f = this.fillRec;
      f.ref = o.ref;
      f.instrument = h;
      f.side = o.side;
      f.price = this.repPrice[r];
      f.qty = q;
      f.fee = this.repFee[r];
      f.liquidity = this.repLiq[r] as Liquidity;
      f.ts = this.repTs[r];
      f.remaining = o.cQty - o.seenFilled > 0 ? o.cQty - o.seenFilled : 0;
      if (!this.strategyEnded) this.strategy.onFill?.(this, f);
    } else if (!o.seenDone) {
      o.seenDone = true;
      const rem = o.cQty - o.seenFilled;
      this.openBySide[h + sideOffset(o.side) * this.instrumentCount] -= Math.max(0, rem);
      this.openCnt[h]--;
      this.openTotal--;
      if (this.quoteBid[h] === o.ref) this.quoteBid[h] = 0;
      if (this.quoteAsk[h] === o.ref) this.quoteAsk[h] = 0;
    }
    this.pool.releaseIfFinished(o);
  }

  // ================================================================== StrategyContext: reads

  /** Strategy clock: exchange time of the current event + feed latency (ns since the time base). */
  get time(): number {
    return this.clk[C_TIME];
  }

  info(inst: number): InstrumentInfo {
    return this.infos[inst];
  }
  book(inst: number): BookView {
    return this.faces[inst];
  }
  bestBid(inst: number): number {
    return this.bestBids[inst];
  }
  bestAsk(inst: number): number {
    return this.bestAsks[inst];
  }
  tick(inst: number): number {
    return this.tick_[inst];
  }
  toFixed(inst: number, currencyPrice: number): number {
    const t = this.tick_[inst];
    const ticks = currencyPrice / this.infos[inst].priceScale / t;
    const r = ticks < 0 ? -Math.round(-ticks) : Math.round(ticks);
    return r * t;
  }
  toCurrency(inst: number, fixedPrice: number): number {
    return fixedPrice / this.unitsPer[inst];
  }
  position(inst: number): number {
    return this.posSeen[inst];
  }
  get positions(): Float64Array {
    return this.posSeen;
  }
  exposure(inst: number, side: Side): number {
    return side === Side.Bid ? this.posSeen[inst] + this.openBuy[inst] : this.posSeen[inst] - this.openSell[inst];
  }
  openOrders(inst: number): number {
    return inst < 0 ? this.openTotal : this.openCnt[inst];
  }
  /** @internal RiskState. */
  openQty(inst: number, side: Side): number {
    return side === Side.Bid ? this.openBuy[inst] : this.openSell[inst];
  }
  /** @internal RiskState. */
  openOrderCount(): number {
    return this.openTotal;
  }
  orderRemaining(ref: number): number {
    const o = this.pool.byRef(ref);
    if (o === null || o.seenDone) return 0;
    return o.cQty - o.seenFilled;
  }
  pnl(): number {
    // Into the portfolio's register rather than through net() / unrealizedUnits(), whose double
    // returns are boxed whenever V8 does not inline them (a timer's pnl() call often is not).
    this.portfolio.computeTotalNet();
    return this.portfolio.netOut[0];
  }

  // ================================================================== StrategyContext: orders

  // Order entry. The public methods are the strategy's calls: they store their prices in the
  // `in*` fields and call a method taking integers only, so no double crosses a call that V8 may
  // not inline (such an argument is boxed — one allocation per call). Kept tiny so V8 inlines them.
  private inPrice = Number.NaN;
  /** sample(): [0] time, [1] equity, for the recorder's onSampleFrom. */
  private readonly sampleReg = new Float64Array(2);
  private inQty = 0;
  private inStop = Number.NaN;
  /** quoteAt's price registers: [0] bid, [1] ask. */
  readonly quotePrices = new Float64Array([Number.NaN, Number.NaN]);

  buy(inst: number, qty: number): number {
    return this.send(inst, Side.Bid, qty, OrderKind.Market, 1, false, 0, false);
  }
  sell(inst: number, qty: number): number {
    return this.send(inst, Side.Ask, qty, OrderKind.Market, 1, false, 0, false);
  }
  limit(inst: number, side: Side, qty: number, price: number, tif: TimeInForce, postOnly: boolean): number {
    this.inPrice = price;
    return this.sendLimit(inst, side, qty, tif, postOnly);
  }
  /** A limit order at inPrice. */
  private sendLimit(inst: number, side: Side, qty: number, tif: TimeInForce, postOnly: boolean): number {
    return this.send(inst, side, qty, OrderKind.Limit, tif, postOnly, postOnly ? 4 : 1, false);
  }
  readonly orderPrices = new Float64Array([Number.NaN]);
  limitAtCurrency(inst: number, side: Side, qty: number, tif: TimeInForce, postOnly: boolean): number {
    this.toFixedIn(inst, this.orderPrices, 0);
    this.inPrice = this.orderPrices[0];
    return this.sendLimit(inst, side, qty, tif, postOnly);
  }
  bid(inst: number, price: number, qty: number): number {
    this.inPrice = price;
    return this.send(inst, Side.Bid, qty, OrderKind.Limit, 0, true, 4, false);
  }
  ask(inst: number, price: number, qty: number): number {
    this.inPrice = price;
    return this.send(inst, Side.Ask, qty, OrderKind.Limit, 0, true, 4, false);
  }
  stop(inst: number, side: Side, qty: number, stopPrice: number, limitPrice: number): number {
    this.inStop = stopPrice;
    this.inPrice = limitPrice;
    return this.sendStop(inst, side, qty);
  }

  /** stop(): stop price in inStop, limit price (NaN: stop-market) in inPrice. */
  private sendStop(inst: number, side: Side, qty: number): number {
    const stopPrice = this.inStop;
    if (!(stopPrice === stopPrice) || !this.onTick(inst, false)) return this.refuse(RefusalReason.BadOrder);
    const isLimit = this.inPrice === this.inPrice;
    return this.send(inst, side, qty, isLimit ? OrderKind.StopLimit : OrderKind.Stop, 0, false, isLimit ? 3 : 2, false);
  }

  quote(inst: number, bidPrice: number, askPrice: number, size: number): number {
    const q = this.quotePrices;
    q[0] = bidPrice;
    q[1] = askPrice;
    return this.quoteAt(inst, size);
  }

  quoteAtCurrency(inst: number, size: number): number {
    this.toFixedIn(inst, this.quotePrices, 0);
    this.toFixedIn(inst, this.quotePrices, 1);
    return this.quoteAt(inst, size);
  }

  /** toFixed on a register, in place: reg[i] currency → fixed point (no double crosses the call). */
  private toFixedIn(inst: number, reg: Float64Array, i: number): void {
    const t = this.tick_[inst];
    const ticks = reg[i] / this.infos[inst].priceScale / t;
    reg[i] = (ticks < 0 ? -Math.round(-ticks) : Math.round(ticks)) * t;
  }

  quoteAt(inst: number, size: number): number {
    const b = this.quoteSide(inst, Side.Bid, size);
    const a = this.quoteSide(inst, Side.Ask, size);
    if (b < 0 || a < 0) return 0;
    return b > 0 ? b : a;
  }

  /** One side of `quote` (price in quotePrices): returns the side's live ref, 0 when none, -1 when refused. */
  private quoteSide(inst: number, side: Side, size: number): number {
    const price = this.quotePrices[side === Side.Bid ? 0 : 1];
    const refs = side === Side.Bid ? this.quoteBid : this.quoteAsk;
    const ref = refs[inst];
    const o = ref > 0 ? this.pool.byRef(ref) : null;
    const live = o !== null && !o.seenDone && !o.cancelSent;
    if (!(price === price) || size <= 0) {
      if (live) this.cancelOrder(o);
      refs[inst] = 0;
      return 0;
    }
    if (live) {
      if (o.cPrice === price && o.cQty - o.seenFilled === size) return ref;
      this.inPrice = price;
      this.inQty = o.seenFilled + size;
      return this.modifyOrder(o) > 0 ? ref : -1;
    }
    this.inPrice = price;
    const nref = this.send(inst, side, size, OrderKind.Limit, 0, false, 5, false);
    refs[inst] = nref;
    return nref > 0 ? nref : -1;
  }

  modify(ref: number, price: number, qty: number): number {
    this.inPrice = price;
    return this.modifyRef(ref, qty);
  }

  /** modify() with the new price in inPrice. */
  private modifyRef(ref: number, qty: number): number {
    const o = this.pool.byRef(ref);
    if (o === null || o.seenDone || o.cancelSent) return this.refuse(RefusalReason.BadOrder);
    this.inQty = qty;
    return this.modifyOrder(o);
  }

  /** Modifies a live order to price inPrice and total qty inQty (registers: no double crosses the call). */
  private modifyOrder(o: SimOrder): number {
    const h = o.inst;
    const price = this.inPrice;
    const qty = this.inQty;
    if (!this.accepting || this.endOnly) return this.refuse(RefusalReason.Halted);
    if (!(qty > 0) || qty !== Math.floor(qty) || !(price === price) || !this.onTick(h, true) || o.kind === OrderKind.Market) {
      return this.refuse(RefusalReason.BadOrder);
    }
    const oldRem = o.cQty - o.seenFilled;
    const newRem = qty - o.seenFilled;
    if (newRem <= 0) {
      this.cancelOrder(o);
      return o.ref;
    }
    const rq = this.riskReq;
    rq.qty = newRem;
    rq.price = price;
    rq.replacedQty = oldRem;
    const reason = this.checkRisk(h, o.side, false);
    if (reason !== RefusalReason.None) return this.refuseCounted(reason);
    this.lastRefusal = RefusalReason.None;
    this.openBySide[h + sideOffset(o.side) * this.instrumentCount] += newRem - oldRem;
    if (qty > o.peakQty) {
      this.recorder.onOrderQtyRaised(o.ref, qty - o.peakQty);
      o.peakQty = qty;
    }
    o.cQty = qty;
    o.cPrice = price;
    const m = this.sim.msg;
    this.stageArrival();
    m[MSG_PRICE] = price;
    m[MSG_QTY] = qty;
    this.sim.sendModifyMsg(o);
    return o.ref;
  }

  /**
   * Pre-trade check of one order through the reused request record: the caller has set its qty,
   * price and replacedQty (doubles — as arguments of a call V8 does not inline they would be boxed,
   * one allocation per order).
   */
  private checkRisk(inst: number, side: Side, isNew: boolean): RefusalReason {
    const rq = this.riskReq;
    rq.inst = inst;
    rq.side = side;
    rq.isNew = isNew;
    rq.now = this.clk[C_TIME];
    rq.bestBid = this.bestBids[inst];
    rq.bestAsk = this.bestAsks[inst];
    rq.tick = this.tick_[inst];
    return this.risk.check(this, rq);
  }

  /** Sets the arrival time of the message about to be sent (strategy time + order-entry latency) in sim.msg. */
  private stageArrival(): void {
    const f = this.entryFixedNs;
    if (f === f) this.sim.msg[MSG_ARRIVE] = this.clk[C_TIME] + f;
    else {
      this.entryLat.draw();
      this.sim.msg[MSG_ARRIVE] = this.clk[C_TIME] + this.entryLat.out[0];
    }
  }

  cancel(ref: number): void {
    const o = this.pool.byRef(ref);
    if (o !== null) this.cancelOrder(o);
  }

  private cancelOrder(o: SimOrder): void {
    if (o.seenDone || o.cancelSent) return;
    o.cancelSent = true;
    this.stageArrival();
    this.sim.sendCancelMsg(o);
  }

  cancelAll(inst: number): void {
    const orders = this.pool.orders;
    for (let i = 0; i < orders.length; i++) {
      const o = orders[i];
      if (o.ref !== 0 && !o.seenDone && (inst < 0 || o.inst === inst)) this.cancelOrder(o);
    }
  }

  cancelSide(inst: number, side: Side): void {
    const orders = this.pool.orders;
    for (let i = 0; i < orders.length; i++) {
      const o = orders[i];
      if (o.ref !== 0 && !o.seenDone && o.inst === inst && o.side === side) this.cancelOrder(o);
    }
  }

  queueAhead(inst: number, side: Side): number {
    return this.sim.queueAheadOn(inst, side);
  }

  flatten(inst: number): void {
    this.cancelAll(inst);
    this.flattenKnown(inst, this.posSeen[inst]);
  }

  /** Market orders closing `pos`, in children of at most max_order_qty; exempt from every limit. */
  private flattenKnown(inst: number, pos: number): void {
    let left = Math.abs(pos);
    const side = pos > 0 ? Side.Ask : Side.Bid;
    const cap = this.maxOrderQty > 0 ? this.maxOrderQty : Number.POSITIVE_INFINITY;
    while (left > 0) {
      const q = left < cap ? left : cap;
      this.send(inst, side, q, OrderKind.Market, 1, false, 0, true);
      left -= q;
    }
  }

  record(seriesId: number, value: number): void {
    const r = this.recValue;
    r.ts = this.clk[C_TIME];
    r.series = seriesId;
    r.value = value;
    this.recorder.onRecordValue(r);
  }

  series(name: string): number {
    const i = this.seriesNames.indexOf(name);
    if (i >= 0) return i;
    this.seriesNames.push(name);
    return this.seriesNames.length - 1;
  }

  log(message: string): void {
    // The event time as ISO-8601 UTC, like every time in the reports (ns since the time base
    // meant nothing to a reader: `[-39594756074693] starting`).
    const line = `[${isoFromNs(this.timeBase, this.clk[C_TIME])}] ${message}`;
    this.logs.push(line);
    this.opts.onLog?.(line);
  }

  /** True when inPrice (limit) or inStop (`limit` false) is a finite multiple of the tick. */
  private onTick(inst: number, limit: boolean): boolean {
    const price = limit ? this.inPrice : this.inStop;
    const t = this.tick_[inst];
    const k = price / t;
    return Number.isFinite(price) && k === Math.round(k);
  }

  private refuse(reason: RefusalReason): number {
    this.risk.countRefusal(reason);
    return this.refuseCounted(reason);
  }

  private refuseCounted(reason: RefusalReason): number {
    this.lastRefusal = reason;
    if (this.recorder !== undefined) this.recorder.onRefusal(this.clk[C_TIME], reason);
    return 0;
  }

  /**
   * Validates, risk-checks and sends a new order. The limit price (limit and stop-limit kinds) is
   * in inPrice, the stop price (stop kinds) in inStop.
   */
  private send(
    inst: number,
    side: Side,
    qty: number,
    kind: OrderKind,
    tif: TimeInForce,
    postOnly: boolean,
    typeCode: number,
    exempt: boolean,
  ): number {
    if (!this.accepting) return this.refuse(RefusalReason.Halted);
    if (this.endOnly && !exempt) {
      if (kind !== OrderKind.Market || !(inst >= 0 && inst < this.instrumentCount) || !this.reducesAtEnd(inst, side, qty)) return this.refuse(RefusalReason.Halted);
      exempt = true;
    }
    if (!(inst >= 0 && inst < this.instrumentCount) || !(qty > 0) || qty !== Math.floor(qty) || (side !== Side.Bid && side !== Side.Ask)) {
      return this.refuse(RefusalReason.BadOrder);
    }
    const isLimit = kind === OrderKind.Limit || kind === OrderKind.StopLimit;
    const price = isLimit ? this.inPrice : Number.NaN;
    if (isLimit && !this.onTick(inst, true)) return this.refuse(RefusalReason.BadOrder);
    if (!exempt) {
      const rq = this.riskReq;
      rq.qty = qty;
      rq.price = price;
      rq.replacedQty = 0;
      const reason = this.checkRisk(inst, side, true);
      if (reason !== RefusalReason.None) return this.refuseCounted(reason);
    }
    this.lastRefusal = RefusalReason.None;
    const o = this.pool.acquire();
    o.inst = inst;
    o.side = side;
    o.kind = kind;
    o.tif = tif;
    o.postOnly = postOnly;
    o.typeCode = typeCode;
    o.qty = qty;
    o.peakQty = qty;
    o.price = price;
    o.stopPrice = kind === OrderKind.Stop || kind === OrderKind.StopLimit ? this.inStop : Number.NaN;
    o.sentAt = this.clk[C_TIME];
    o.cQty = qty;
    o.cPrice = price;
    this.openBySide[inst + sideOffset(side) * this.instrumentCount] += qty;
    this.openCnt[inst]++;
    this.openTotal++;
    if (kind === OrderKind.Market || tif !== TimeInForce.Gtc) this.immediateSent[inst]++;
    const or = this.recOrder;
    or.ts = this.clk[C_TIME];
    or.instrument = inst;
    or.side = side;
    or.orderType = typeCode;
    or.price = price;
    or.qty = qty;
    or.orderRef = o.ref;
    this.recorder.onOrderRecord(or);
    this.stageArrival();
    this.sim.sendNewMsg(o);
    return o.ref;
  }

  private growReports(): void {
    const cap = this.repKind.length;
    const grow8 = (a: Int8Array): Int8Array<ArrayBuffer> => {
      const b = new Int8Array(cap * 2);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap * 2);
      b.set(a);
      return b;
    };
    const grow64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap * 2);
      b.set(a);
      return b;
    };
    this.repKind = grow8(this.repKind);
    this.repLiq = grow8(this.repLiq);
    this.repOrder = grow32(this.repOrder);
    this.repPrice = grow64(this.repPrice);
    this.repQty = grow64(this.repQty);
    this.repFee = grow64(this.repFee);
    this.repTs = grow64(this.repTs);
    const f = new Int32Array(cap * 2);
    f.set(this.repFree.subarray(0, this.repFreeN));
    this.repFree = f;
    for (let i = 2 * cap - 1; i >= cap; i--) this.repFree[this.repFreeN++] = i;
  }
}

/** A declared instrument is not in the data (the CLI shows it as a user error). */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LookupError";
  }
}

function isFeeSchedule(x: FeeSchedule | Record<string, FeeSchedule>): x is FeeSchedule {
  return typeof (x as FeeSchedule).makerPerContract === "number";
}

/** 0 for the bid side, 1 for the ask side (Side.Bid = 1, Side.Ask = -1), without a branch. */
function sideOffset(side: Side): number {
  return (1 - side) >> 1;
}

function fmtSeconds(ns: number): string {
  return `${(ns / 1e9).toFixed(3)}s`;
}

/** Runs one backtest (convenience wrapper around `new BacktestEngine(options).run()`). */
export function runBacktest(options: EngineOptions): BacktestResult {
  return new BacktestEngine(options).run();
}
