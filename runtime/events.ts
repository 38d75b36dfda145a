/**
 * The market event record every reader decodes into and every consumer (books, engine, features)
 * reads. PER-EVENT CODE: a reader owns ONE MarketEvent and overwrites its fields for each event;
 * nothing here may be allocated per event. Consumers must copy what they need before the reader
 * advances.
 *
 * Number conventions (DESIGN.md "Numbers"):
 * - prices are fixed-point integers held in doubles, in units of the instrument's `priceScale`
 *   (DBN: 1e-9 dollars, LOBSTER: 1e-4 dollars); `UNDEF_PRICE` marks "no price";
 * - sizes are integers;
 * - times are integer nanoseconds since the run's time base (`TimeBase`), exact below 2^53 ns
 *   (~104 days after the base) — never nanoseconds since 1970 in a double, which would round;
 * - order ids are unsigned 64-bit, carried as two unsigned 32-bit halves (no BigInt per event).
 */

/** What a MarketEvent describes. Numeric so a switch compiles to a jump table. */
export const enum EventKind {
  /** L3: a new resting order (orderId, side, price, size). */
  Add = 1,
  /** L3: an order's size is reduced by `size` (partial cancel); the order keeps its priority. */
  Cancel = 2,
  /** L3: an order is removed entirely (size = the size removed, when known). */
  Delete = 3,
  /** L3: an order's price and/or size changes to (price, size); see the book for priority rules. */
  Modify = 4,
  /** L3: a resting order is executed for `size` at `price`; `side` is the RESTING order's side. */
  Execute = 5,
  /** A trade print (not tied to a visible order, or from a trades feed); `aggressor` is set. */
  Trade = 6,
  /** The book for this instrument is cleared (start of a snapshot, or a reset). */
  Clear = 7,
  /** L2: the level at `depth` on `side` now has (price, size, count); size 0 removes it. */
  LevelUpdate = 8,
  /** L2/L1 snapshot: `levels` holds the top `levelCount` levels of both sides (MBP-1/10, BBO). */
  LevelSnapshot = 9,
  /**
   * An OHLCV bar: open/high/low/close (fixed-point prices) and volume; `aux` = bar length (ns).
   * Readers stamp it with its START (ts = open time, as DBN and CSV bars carry it); a bar is only
   * known at its close, so the engine delivers it (handlers, features, recorder, `algo features`
   * rows) at ts + aux — consumers other than the engine must do the same (no look-ahead).
   */
  Bar = 10,
  /** Trading status change (halt, resume); `status` holds the code. */
  Status = 11,
  /** Instrument definition; the reader also updates its InstrumentInfo table. */
  Definition = 12,
  /** Auction imbalance record (prices/sizes in the aux fields). */
  Imbalance = 13,
  /** A statistic (settlement, open interest, ...): statType, price, size. */
  Statistic = 14,
  /**
   * L3: a resting order was filled (DBN action F). Informational only: in Databento's semantics the
   * book changes through the Cancel that accompanies every fill, so books ignore this kind.
   */
  Fill = 15,
  /** No book change (DBN action N): carries only time and flags (e.g. F_LAST). */
  NoAction = 16,
}

/** Sides: bid/buy = 1, ask/sell = -1, none = 0 (so `side * qty` is a signed quantity). */
export const enum Side {
  Bid = 1,
  Ask = -1,
  None = 0,
}

/** Fixed-point "no price" (matches DBN's i64::MAX sentinel only in meaning, not in value). */
export const UNDEF_PRICE = Number.NaN;

/** Maximum levels a LevelSnapshot carries (MBP-10). */
export const MAX_SNAPSHOT_LEVELS = 10;

/**
 * The reused event record. Fields not meaningful for a kind keep stale values; read only what the
 * kind defines.
 */
export class MarketEvent {
  kind: EventKind = EventKind.Trade;
  /** Dense instrument index (0..n-1) assigned by the reader's InstrumentTable. */
  instrument = 0;
  /** Exchange event time, ns since the time base. */
  ts = 0;
  /** Capture/receive time, ns since the time base (equals ts when the source has none). */
  tsRecv = 0;
  /** Source sequence number, or the record's ordinal when the source has none. */
  sequence = 0;
  /** Unsigned 64-bit order id, high and low 32-bit halves. */
  orderIdHi = 0;
  orderIdLo = 0;
  side: Side = Side.None;
  /** Fixed-point price. */
  price = 0;
  size = 0;
  /** Trade aggressor side (Bid = buyer-initiated), for Trade/Execute when known; else None. */
  aggressor: Side = Side.None;
  /** Source action code: DBN action char code ('A'=65, 'C', 'M', 'T', 'F', 'R', 'N'), DBN status
   * action or statistic update action; 0 when the source has none. */
  action = 0;
  /** Source flags (DBN flags byte: F_LAST=128, F_TOB=64, F_SNAPSHOT=32, F_MBP=16, ...). */
  flags = 0;
  /** LevelUpdate: depth index (0 = top). LevelSnapshot: number of levels filled. */
  depth = 0;
  /** Order count at the level (LevelUpdate) when the source provides it. */
  count = 0;
  // Bar fields (fixed-point prices, integer volume).
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  /** Bar length in ns (Bar), status code (Status), stat type (Statistic). */
  aux = 0;
  /**
   * LevelSnapshot payload, level i at [i]: bid price/size/count and ask price/size/count.
   * Allocated once with the record.
   */
  readonly bidPx = new Float64Array(MAX_SNAPSHOT_LEVELS);
  readonly bidSz = new Float64Array(MAX_SNAPSHOT_LEVELS);
  readonly bidCt = new Float64Array(MAX_SNAPSHOT_LEVELS);
  readonly askPx = new Float64Array(MAX_SNAPSHOT_LEVELS);
  readonly askSz = new Float64Array(MAX_SNAPSHOT_LEVELS);
  readonly askCt = new Float64Array(MAX_SNAPSHOT_LEVELS);
}

/**
 * Fixed-point units per currency unit for a price scale, for converting by division: `fixed /
 * unitsPerCurrency(1e-9)` is the double nearest the decimal price (579790000000 → 579.79), where
 * `fixed * 1e-9` is not (579.7900000000001), because 1e-9 has no exact double but 1e9 has.
 */
export function unitsPerCurrency(priceScale: number): number {
  const n = Math.round(1 / priceScale);
  return n > 0 && Math.abs(n * priceScale - 1) < 1e-12 ? n : 1 / priceScale;
}

/** Static facts about one instrument, known from the data's metadata or from configuration. */
export interface InstrumentInfo {
  /** Dense index used in MarketEvent.instrument. */
  index: number;
  /** Symbol as named in the data's metadata (e.g. "ESZ4", "AAPL"). */
  symbol: string;
  /** Source instrument id (DBN instrument_id), or the index when the source has none. */
  sourceId: number;
  /** Dollars (account currency) per fixed-point price unit: 1e-9 for DBN, 1e-4 for LOBSTER. */
  priceScale: number;
  /** Minimum price increment in fixed-point units (0 when unknown). */
  tickSize: number;
  /** Contract multiplier (1 for equities). */
  multiplier: number;
}

/**
 * A pull-based stream of market events. PER-EVENT CODE: `next()` overwrites `event` in place and
 * returns false at the end; it must not allocate in steady state.
 */
export interface EventSource {
  /** The reused record `next()` fills. */
  readonly event: MarketEvent;
  /** Instruments seen so far (grows when definitions / symbol mappings appear). */
  readonly instruments: InstrumentInfo[];
  /** Absolute time of ts = 0, as ns since the Unix epoch. */
  readonly timeBase: bigint;
  next(): boolean;
  close(): void;
  /**
   * Optional: true when the source marks the last record of every exchange event with F_LAST (128)
   * from its first record on (a LOBSTER seed, a DBN snapshot). The engine then shows a strategy
   * the book only after such a record. Absent or false: each record counts as the last of its event
   * until the source's first F_LAST (a stream with no F_LAST at all: every record is an event).
   */
  groupsByLastFlag?: boolean;
  /**
   * Optional: the index in `instruments` of a symbol the source names up front (DBN metadata symbol
   * mappings) though none of its records was read yet — the entry is created now — or -1.
   */
  indexForSymbol?(symbol: string): number;
}
