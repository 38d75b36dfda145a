/**
 * The metadata every stdlib operator carries. The compiler reads it to check calls (argument
 * matching, types and units) and to emit code; the language server reads it for hover and
 * completion; scripts/gen-stdlib-docs.ts turns it into docs/stdlib.md. This file is the contract
 * between stdlib/ and its readers: change it only with all of them.
 *
 * Runtime contract of an operator class (what generated code relies on):
 * - `new Class(...ctorArgs)` with the arguments listed by `OperatorMeta.ctorArgs`, in that order;
 *   a `window` argument is passed as a count (count class) or as nanoseconds (time class);
 *   an `instrument` argument is passed as its `InstrumentInfo` (runtime/events.ts).
 * - update, by `drive`:
 *     "series": `update(x0, x1, ..., ts)` — the series arguments in declared order, then the event
 *               time (ns since the time base); count-window classes ignore ts.
 *     "book":   `update(book: BookView, ts)` after the instrument's book changed.
 *     "trade":  `onTrade(price, size, aggressor, ts)` — price in currency units (f64), size integer,
 *               aggressor Side (1 buyer-initiated, -1 seller-initiated, 0 unknown).
 *     "bar":    `onBar(open, high, low, close, volume, ts)` — prices in currency units.
 *     "clock":  `update(x, ts)` like "series" but the output changes only on clock ticks.
 * - outputs: a single-output operator exposes `value`; a multi-output one exposes one numeric
 *   property per output name (e.g. `upper`, `middle`, `lower`). Before ready, values are NaN
 *   unless the doc says otherwise.
 * - `ready: boolean` (true once warm), `warmup: number` (updates needed; 0 for time windows,
 *   which are ready once they span their duration), `reset(): void`.
 * - Nothing allocates after the constructor.
 *
 * Feature values are f64. A `price` feature is in currency units (fixed-point book prices times the
 * instrument's priceScale); the compiler converts to fixed point when an order is sent.
 */

/** Value types of the language. `notional` is price × qty (account currency). */
export type ScalarType =
  | "f64"
  | "int"
  | "bool"
  | "price"
  | "qty"
  | "notional"
  | "duration"
  | "time"
  | "side"
  | "instrument";

/** Types that count as numeric series inputs. */
export const NUMERIC_TYPES: readonly ScalarType[] = ["f64", "int", "price", "qty", "notional"];

/** How one parameter of an operator is passed. */
export type ParamKind =
  /** A series (a feature or an expression over features); `accepts` lists allowed types. */
  | "series"
  /** An instrument declared with `instrument x = "SYM"` (or a feature unit's instrument param). */
  | "instrument"
  /** A window: an `int` count (e.g. 300) or a `duration` (e.g. 5m); a compile-time constant. */
  | "window"
  /** A compile-time constant of `type` (e.g. a multiplier 2.0, a number of levels 3, a lag k). */
  | "const";

export interface OperatorParam {
  name: string;
  kind: ParamKind;
  /** For series: the accepted types (default NUMERIC_TYPES). For const: exactly one type. */
  accepts?: readonly ScalarType[];
  /** Default value for an optional const/window parameter (numbers; durations in ns). */
  default?: number | boolean;
  /** Allowed range for a const/window (inclusive); the checker reports values outside it. */
  min?: number;
  max?: number;
  /** For window params: whether a duration (time window) is accepted. Default true. */
  allowsTime?: boolean;
  /**
   * For series params: a compile-time constant (a literal, a param, arithmetic over them) is also
   * accepted, as a level that stays put (`crossover(rsi(c, 14), 30)`). The operator then updates
   * when its other series do.
   */
  levelOk?: boolean;
  doc: string;
}

/** An output's type: fixed, or the type (unit) of one series argument (`sameAs: "x"`). */
export type OutputType = { type: ScalarType } | { sameAs: string };

export interface OperatorOutput {
  /** "value" for single-output operators; the field name otherwise (`macd(...).signal`). */
  name: string;
  type: OutputType;
  doc: string;
}

export type Drive = "series" | "book" | "trade" | "bar" | "clock";

export type Category = "technical" | "statistical" | "microstructure" | "flow" | "utility" | "bar";

export interface OperatorMeta {
  /** Name as written in the language, without the namespace: "ema", "mid", "ofi". */
  name: string;
  /** Namespace written before the name: "" (none), "book", "flow", "bar", "time". */
  namespace: string;
  category: Category;
  params: readonly OperatorParam[];
  /** One entry named "value" for single-output operators. */
  outputs: readonly OperatorOutput[];
  drive: Drive;
  /** Class exported from stdlib/index.ts used for count windows (or when there is no window). */
  className: string;
  /** Class used when the window argument is a duration (omit when time windows are refused). */
  timeClassName?: string;
  /** Constructor arguments, by parameter name, in order (series params are never ctor args). */
  ctorArgs: readonly string[];
  /** Warm-up in updates, from the constant arguments (windows as counts); 0 for time windows. */
  warmup(args: Readonly<Record<string, number>>): number;
  /** The warm-up formula as users read it, e.g. "n", "slow + signal - 1". */
  warmupText: string;
  /** One paragraph with the formula and the convention followed (TA-Lib or otherwise). */
  doc: string;
  /** A short example call, e.g. "ema(mid, 20)". */
  example: string;
}
