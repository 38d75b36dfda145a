/**
 * The backtest report: the plain object `RunRecorder.finish()` returns, `report.json` holds and
 * `schemas/report.schema.json` describes. Money is in the account currency (a double, converted
 * once from fixed point); times are ISO-8601 strings (UTC, nanosecond precision) plus integer
 * nanoseconds since the run's time base where arithmetic is useful. A metric that is undefined for
 * the run (a Sharpe ratio with no variance, a profit factor with no losing trade) is `null`, never
 * NaN or Infinity (JSON has neither).
 */

/** Version of the report layout; bumped on any incompatible change of `BacktestReport`. */
export const REPORT_SCHEMA_VERSION = 1;

/** Order types the recorder counts (the engine maps its own order kinds onto these codes). */
export const OrderTypeCode = {
  Market: 0,
  Limit: 1,
  Stop: 2,
  StopLimit: 3,
  PostOnly: 4,
  Quote: 5,
} as const;

/** Names of `OrderTypeCode` values, indexed by code (for reports). */
export const ORDER_TYPE_NAMES: readonly string[] = ["market", "limit", "stop", "stop_limit", "post_only", "quote"];

/** Liquidity flag of a fill: maker (our resting order was hit) or taker (we crossed). */
export const Liquidity = { Maker: 0, Taker: 1 } as const;

/** The assumptions every report states (DESIGN.md: "every report states the latency and queue assumptions"). */
export interface RunAssumptions {
  /** Latency model, e.g. "feed 50us fixed; order entry normal(mean 250us, sd 40us); response 200us fixed; seed 42". */
  latency: string;
  /** Queue model, e.g. "pro-rata cancels ahead (L2)" or "exact from order ids (L3/MBO)". */
  queueModel: string;
  /** Fees, e.g. "maker -0.20/contract (rebate), taker 0.85/contract". */
  fees: string;
  /** Anything else a reader must know (data gaps, a book that started without a snapshot, ...). */
  notes?: string[];
}

/** One instrument as the report lists it. */
export interface ReportInstrument {
  index: number;
  symbol: string;
  /** Currency per fixed-point price unit. */
  priceScale: number;
  /** Tick size in currency (0 when unknown). */
  tickSize: number;
  multiplier: number;
  /** Position at the end of the run (contracts/shares, signed). */
  finalPosition: number;
  /** Last mark price seen (currency), null if none. */
  lastPrice: number | null;
  /** Number of fills on this instrument (after the warm-up). */
  fills: number;
  /** Round trips closed on this instrument (after the warm-up). */
  roundTrips: number;
  /** Net P&L of its closed round trips (currency, after fees). */
  closedTradesNetPnl: number;
}

/** Every number the summary shows; see docs in `metrics.ts` for exact definitions. */
export interface BacktestMetrics {
  /** Equity at the end of the warm-up (the base for returns); initial capital when there is no warm-up. */
  startingEquity: number;
  /** Equity at the end of the run. */
  finalEquity: number;
  /** finalEquity - startingEquity (includes open positions at their last mark, after fees). */
  netPnl: number;
  /** netPnl + fees paid - rebates received (P&L before fees). */
  grossPnl: number;
  /** netPnl / startingEquity * 100. */
  returnPct: number | null;
  /** Return scaled linearly to a year on the metrics grid (returnPct * periodsPerYear / periods). */
  annualizedReturnPct: number | null;
  /**
   * Sum of net P&L (after fees) of winning round trips — the total of winning trades, as Pine
   * Script's and MetaTrader's "gross profit" (gross of the losing trades, not of fees); shown as
   * "Winning / losing trades (net of fees)". P&L before fees is `grossPnl`.
   */
  grossProfit: number;
  /** Sum of net P&L (after fees) of losing round trips (a negative number or 0); see grossProfit. */
  grossLoss: number;
  /** Annualised Sharpe ratio of grid returns (risk-free rate 0); see `sampling`. */
  sharpe: number | null;
  /** Annualised Sortino ratio of grid returns (target 0; downside deviation over all periods). */
  sortino: number | null;
  /** Largest peak-to-trough fall of equity samples (currency, >= 0). */
  maxDrawdown: number;
  /** Largest peak-to-trough fall as a percent of the peak. */
  maxDrawdownPct: number;
  /** Longest time equity spent below a previous peak (ns; runs to the end when not recovered). */
  maxDrawdownDurationNs: number;
  /** Largest trough-to-peak rise of equity samples (currency, >= 0). */
  maxRunup: number;
  /** Largest trough-to-peak rise as a percent of the trough. */
  maxRunupPct: number;
  /** annualizedReturnPct / maxDrawdownPct (null when there is no drawdown). */
  calmar: number | null;
  /** Closed round trips after the warm-up (flat → flat per instrument). */
  roundTrips: number;
  winningTrades: number;
  losingTrades: number;
  /** winningTrades / roundTrips * 100. */
  hitRatePct: number | null;
  /** grossProfit / |grossLoss| (null when there is no losing trade). */
  profitFactor: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  /** Average net P&L per round trip. */
  avgTrade: number | null;
  largestWin: number | null;
  largestLoss: number | null;
  /** Longest run of consecutive winning / losing round trips (in closing order; MetaTrader reports these). */
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  /** Largest absolute position held in any round trip, the one still open at the end included (Pine: "max contracts held"). */
  maxContractsHeld: number;
  /** netPnl / maxDrawdown (MetaTrader's recovery factor; null without drawdown). */
  recoveryFactor: number | null;
  /** Average round-trip duration (first fill → flat), ns. */
  avgTradeDurationNs: number | null;
  /** Quantity-weighted average holding time of FIFO-matched lots, ns. */
  avgHoldingTimeNs: number | null;
  /** Number of FIFO lot matches (an exit fill closing part of an entry fill). */
  fifoMatches: number;
  /** Average maximum adverse excursion of round trips (currency, <= 0). */
  avgMae: number | null;
  /** Average maximum favourable excursion of round trips (currency, >= 0). */
  avgMfe: number | null;
  /** Worst MAE of any round trip. */
  worstMae: number | null;
  /** Best MFE of any round trip. */
  bestMfe: number | null;
  orders: number;
  /** Quantity submitted after the warm-up: initial quantities plus modify increases above an order's largest earlier total. */
  orderedQty: number;
  cancels: number;
  fills: number;
  filledQty: number;
  makerFills: number;
  takerFills: number;
  /**
   * Quantity filled on the orders sent after the warm-up / `orderedQty` × 100; in [0, 100] (see
   * metrics.ts). (filledQty counts fills after the warm-up, including fills of orders sent before it.)
   */
  fillRatioPct: number | null;
  /** Average time a maker fill waited in the queue (order reached the exchange → fill), ns. */
  avgQueueTimeNs: number | null;
  /** Traded notional (currency). */
  tradedNotional: number;
  /** tradedNotional / startingEquity (times the capital was traded). */
  turnover: number | null;
  /** Fees paid (positive charges, currency). */
  feesPaid: number;
  /** Rebates received (currency, >= 0). */
  rebates: number;
  /** feesPaid - rebates. */
  netFees: number;
  /** Largest gross exposure (sum over instruments of |position| × mark × multiplier) at a sample. */
  maxExposure: number;
  /** Time-weighted average gross exposure on the metrics grid. */
  avgExposure: number;
  /** Refused orders (all reasons). */
  refusals: number;
}

/** How the return-based metrics were sampled (stated in every report). */
export interface ReportSampling {
  /** Metrics grid interval, ns of event time. */
  intervalNs: number;
  /** Human form, e.g. "1s". */
  interval: string;
  /** Periods per year used to annualise Sharpe, Sortino and the return. */
  periodsPerYear: number;
  /** Number of grid returns the ratios were computed from. */
  periods: number;
  /** Plain-words statement of the method. */
  method: string;
  /**
   * Which annualised metrics the returns' span allows: `spanNs` = periods × intervalNs; `ratios`:
   * Sharpe and Sortino are meaningful (span of at least 30 days), `returns`: the annualised
   * return and Calmar are (at least a year). A metric not allowed is null.
   */
  annualization: { spanNs: number; ratios: boolean; returns: boolean };
}

/** The warm-up span (stated, and excluded from every metric). */
export interface ReportWarmup {
  /** True when the strategy became ready during the run. */
  ready: boolean;
  /** Start of the data (ISO). */
  start: string | null;
  /** When the strategy became ready (ISO); null when it never did. */
  end: string | null;
  durationNs: number;
  /** Human form, e.g. "5m 0s". */
  duration: string;
}

/** The report of one backtest run (`report.json`). */
export interface BacktestReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generator: { name: string; version: string };
  run: {
    strategy: string | null;
    dataFiles: string[];
    params: Record<string, number | string | boolean>;
    seed: number | null;
    /** True when the run stopped early (Ctrl-C, kill switch halt, error): metrics cover what was replayed. */
    partial: boolean;
    partialReason: string | null;
    /** True when the `max_loss` kill switch halted the strategy. */
    halted: boolean;
    eventsProcessed: number;
    wallSeconds: number;
    eventsPerSecond: number | null;
    /** First and last event time (ISO). */
    start: string | null;
    end: string | null;
    /** Absolute time of ts = 0 (ns since the Unix epoch, decimal string). */
    timeBaseNs: string;
  };
  warmup: ReportWarmup;
  assumptions: RunAssumptions & { sampling: string; tradeDefinition: string };
  sampling: ReportSampling;
  instruments: ReportInstrument[];
  metrics: BacktestMetrics;
  refusals: { total: number; byReason: Record<string, number> };
  /** Names of the user `record` series (their values are in records.csv and report.html). */
  recordSeries: string[];
  /** Output files written next to the report (names relative to the output directory). */
  files: string[];
}
