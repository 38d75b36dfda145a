/**
 * The language's own vocabulary, apart from stdlib operators (whose signatures come from
 * stdlib/ metadata): handler kinds, actions and their argument rules, builtin functions
 * (ready, exposure, position, abs, min, max, clamp, sign), named constant values (`buy`, `sell`,
 * `gtc`, `ioc`, `fok`), the fields of handler bindings, and the risk block's keys.
 * The checker, the language server (completion, hover) and docs read these tables.
 */
import type { ScalarType } from "../stdlib/meta.js";

/** What an argument of a builtin or action accepts. */
export type BuiltinArgType =
  /** A declared instrument. */
  | "instrument"
  /** A number of exactly this unit; a bare literal adapts (qty also accepts int-valued literals). */
  | "qty"
  | "price"
  /** Any number (f64, int, price, qty, notional); unit rules between args are the builtin's. */
  | "numeric"
  /** `buy` or `sell`. */
  | "side"
  /** Time in force: `gtc`, `ioc` or `fok`. */
  | "tif"
  | "bool"
  /** A string literal. */
  | "string"
  /** A series (feature or expression over features) of any type. */
  | "series"
  /** A number or a bool (what `record` can chart). */
  | "recordable"
  /** Anything with a value (numbers, bools, strings, sides...). */
  | "any";

/** One parameter of a builtin or action. */
export interface BuiltinParam {
  name: string;
  type: BuiltinArgType;
  optional?: boolean;
  /** Must be a compile-time constant (e.g. `record`'s name). */
  constant?: boolean;
  doc: string;
}

/** What a builtin returns. `sameAs` = the (unified) unit of the numeric arguments. */
export type BuiltinResult = { type: ScalarType } | { sameAs: "numeric" };

/** A builtin function (a value-producing call that is not a stdlib operator). */
export interface BuiltinFunction {
  name: string;
  params: readonly BuiltinParam[];
  result: BuiltinResult;
  /** Readable only inside `on` handlers (reads position or order state). */
  handlerOnly: boolean;
  doc: string;
}

/** An action: a statement that sends orders or writes output; only inside handlers. */
export interface ActionDef {
  name: string;
  params: readonly BuiltinParam[];
  /** Accepts any number of extra positional arguments of type `any` (log). */
  variadic?: boolean;
  /** Sends or changes orders (the risk analysis looks at these). */
  orders: boolean;
  doc: string;
}

const inst: BuiltinParam = { name: "inst", type: "instrument", doc: "the instrument" };

/** Builtin functions by name. */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map<string, BuiltinFunction>(
  (
    [
      { name: "ready", params: [{ name: "x", type: "series", doc: "a feature" }], result: { type: "bool" }, handlerOnly: false,
        doc: "True once the series x and all its inputs are warm (have seen enough updates)." },
      { name: "exposure", params: [inst, { name: "side", type: "side", doc: "`buy` or `sell`" }], result: { type: "qty" }, handlerOnly: true,
        doc: "Worst-case position if every resting order on that side filled: `buy` → position + resting buys, `sell` → position − resting sells." },
      { name: "position", params: [inst], result: { type: "qty" }, handlerOnly: true,
        doc: "Current net position in the instrument (positive long, negative short)." },
      { name: "abs", params: [{ name: "x", type: "numeric", doc: "a number" }], result: { sameAs: "numeric" }, handlerOnly: false,
        doc: "Absolute value; keeps the unit." },
      { name: "min", params: [{ name: "a", type: "numeric", doc: "a number" }, { name: "b", type: "numeric", doc: "a number of the same unit" }], result: { sameAs: "numeric" }, handlerOnly: false,
        doc: "The smaller of two values of the same unit." },
      { name: "max", params: [{ name: "a", type: "numeric", doc: "a number" }, { name: "b", type: "numeric", doc: "a number of the same unit" }], result: { sameAs: "numeric" }, handlerOnly: false,
        doc: "The larger of two values of the same unit." },
      { name: "clamp", params: [{ name: "x", type: "numeric", doc: "a number" }, { name: "lo", type: "numeric", doc: "lower bound" }, { name: "hi", type: "numeric", doc: "upper bound" }], result: { sameAs: "numeric" }, handlerOnly: false,
        doc: "x limited to [lo, hi]; all three share one unit." },
      { name: "sign", params: [{ name: "x", type: "numeric", doc: "a number" }], result: { type: "int" }, handlerOnly: false,
        doc: "-1, 0 or 1 by the sign of x (a plain int, so `sign(x) * size` is a qty)." },
    ] satisfies BuiltinFunction[]
  ).map((b) => [b.name, b]),
);

const qty: BuiltinParam = { name: "qty", type: "qty", doc: "order quantity in lots" };
const tif: BuiltinParam = { name: "tif", type: "tif", optional: true, doc: "time in force: gtc (default), ioc, fok" };
const orderParams: readonly BuiltinParam[] = [
  inst,
  qty,
  { name: "limit", type: "price", optional: true, doc: "limit price; omitted = market order" },
  tif,
  { name: "post_only", type: "bool", optional: true, doc: "refuse the order if it would take liquidity" },
];
const passiveParams: readonly BuiltinParam[] = [
  inst,
  qty,
  { name: "price", type: "price", doc: "limit price of the resting order" },
  tif,
];

/** Actions by name. */
export const ACTIONS: ReadonlyMap<string, ActionDef> = new Map<string, ActionDef>(
  (
    [
      { name: "buy", params: orderParams, orders: true, doc: "Buy: a market order, or a limit order with `limit:`; `tif:` and `post_only:` optional." },
      { name: "sell", params: orderParams, orders: true, doc: "Sell: a market order, or a limit order with `limit:`; `tif:` and `post_only:` optional." },
      { name: "bid", params: passiveParams, orders: true, doc: "Rest a passive buy limit order at `price`." },
      { name: "ask", params: passiveParams, orders: true, doc: "Rest a passive sell limit order at `price`." },
      { name: "quote", params: [inst, { name: "bid", type: "price", doc: "bid price" }, { name: "ask", type: "price", doc: "ask price" }, { name: "size", type: "qty", doc: "size on each side" }], orders: true,
        doc: "Keep one two-sided quote on the instrument, replacing only what changed since the last quote." },
      { name: "cancel", params: [inst, { name: "side", type: "side", optional: true, doc: "only this side" }], orders: true, doc: "Cancel the resting orders on the instrument (optionally one side)." },
      { name: "cancel_all", params: [{ ...inst, optional: true }], orders: true, doc: "Cancel every resting order (optionally only on one instrument)." },
      { name: "flatten", params: [inst], orders: true, doc: "Close the position with market orders (split to respect max_order_qty)." },
      { name: "record", params: [{ name: "name", type: "string", constant: true, doc: "series name in the report" }, { name: "value", type: "recordable", doc: "a number or bool" }], orders: false,
        doc: "Append the value to a named user series shown in the backtest report." },
      { name: "log", params: [], variadic: true, orders: false, doc: "Write its arguments, space-separated, to the run log." },
    ] satisfies ActionDef[]
  ).map((a) => [a.name, a]),
);

/** Named constant values: sides and times in force. */
export const NAMED_VALUES: ReadonlyMap<string, "side" | "tif"> = new Map([
  ["buy", "side"],
  ["sell", "side"],
  ["gtc", "tif"],
  ["ioc", "tif"],
  ["fok", "tif"],
]);

/** Handler kinds and what their argument list holds. */
export type HandlerKind = "book" | "trade" | "bar" | "fill" | "timer" | "start" | "end";

/** The shape of each handler kind's arguments and binding. */
export interface HandlerDef {
  kind: HandlerKind;
  /** How the arguments read, for messages: "one instrument", "an instrument and a duration". */
  expects: string;
  /** Fields of the `as x` binding (trade, bar) or of `on fill(f)`; undefined = no binding. */
  bindingFields?: Readonly<Record<string, ScalarType>>;
  doc: string;
}

/** Handler kinds by name. */
export const HANDLERS: ReadonlyMap<string, HandlerDef> = new Map<string, HandlerDef>(
  (
    [
      { kind: "book", expects: "one instrument: `on book(es)`", doc: "Runs after the instrument's book changed." },
      { kind: "trade", expects: "one or more instruments: `on trade(es) as t`",
        bindingFields: { price: "price", qty: "qty", aggressor: "side", time: "time" }, doc: "Runs on every trade print; `as t` names it." },
      { kind: "bar", expects: "an instrument and a constant duration: `on bar(es, 1m) as b`",
        bindingFields: { open: "price", high: "price", low: "price", close: "price", volume: "qty", time: "time" }, doc: "Runs when a bar of that length closes; `as b` names it." },
      { kind: "fill", expects: "a name for the fill: `on fill(f)`",
        bindingFields: { price: "price", qty: "qty", side: "side", instrument: "instrument", time: "time" }, doc: "Runs when one of our orders (partly) fills." },
      { kind: "timer", expects: "a constant duration: `on timer(30s)`", doc: "Runs every period of event time." },
      { kind: "start", expects: "no arguments: `on start`", doc: "Runs once before the first event." },
      { kind: "end", expects: "no arguments: `on end`", doc: "Runs once after the last event." },
    ] as HandlerDef[]
  ).map((h): [string, HandlerDef] => [h.kind, h]),
);

/** What a risk limit's value is. */
export type RiskValueKind = "qty" | "count" | "rate" | "notional" | "price-distance";

/** One key of the `risk` block. */
export interface RiskKeyDef {
  key: string;
  value: RiskValueKind;
  /** How the unit reads in messages. */
  expects: string;
  doc: string;
}

/** The risk block's keys. */
export const RISK_KEYS: ReadonlyMap<string, RiskKeyDef> = new Map<string, RiskKeyDef>(
  (
    [
      { key: "max_position", value: "qty", expects: "a qty (lots)", doc: "|net position| per instrument, counting every resting order on a side as filled." },
      { key: "max_order_qty", value: "qty", expects: "a qty (lots)", doc: "Largest quantity of one order." },
      { key: "max_open_orders", value: "count", expects: "an int count", doc: "Resting orders at once." },
      { key: "max_order_rate", value: "rate", expects: "an int count `per` a duration, e.g. `50 per 1s`", doc: "Orders sent per time window." },
      { key: "max_loss", value: "notional", expects: "an amount of account currency", doc: "Loss that cancels, flattens and halts the strategy." },
      { key: "price_band", value: "price-distance", expects: "a price distance, e.g. `8 ticks`", doc: "How far beyond the touch a limit may be placed." },
    ] satisfies RiskKeyDef[]
  ).map((k) => [k.key, k]),
);
