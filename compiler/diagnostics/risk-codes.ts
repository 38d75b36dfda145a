/**
 * The back end's diagnostics: static risk checks (R040x–R041x), the warm-up analysis (R042x), the division lint (W0520) and code-generation limits (E06xx). The diagnostics
 * table (codes.ts) imports RISK_CODES, so `algo explain`, SARIF rules and the golden-coverage test
 * see every entry here.
 */
import type { DiagnosticDef } from "./definition.js";

function def<T extends string>(code: string, name: string, severity: "error" | "warning", template: T, explanation: string): DiagnosticDef<T> {
  return { code, name, severity, template, explanation };
}

/** Risk and warm-up codes by meaning. */
export const RiskCodes = {
  OrderQtyUnsafe: def(
    "R0401",
    "order-qty-unsafe",
    "error",
    "`{action}` can send {qty} lots, more than max_order_qty {limit}",
    "Every order a handler can send must be at most `max_order_qty` lots, for every param value in its declared range and every path through the handler. The counterexample names param and state values for which the quantity is too large. Fix: lower the param's range, or clamp the quantity: `min(size, 5)`.",
  ),
  OrderQtyUnknown: def(
    "R0402",
    "order-qty-unknown",
    "error",
    "cannot prove that `{action}` sends at most max_order_qty {limit} lots",
    "The quantity of this order depends on something the analysis cannot bound (a feature, a division, an unbounded state variable). Make it provable: clamp the quantity (`clamp(q, 1, 5)`, `min(q, 5)`) or guard the order with a comparison (`if q <= 5 { ... }`).",
  ),
  PositionUnsafe: def(
    "R0403",
    "position-unsafe",
    "error",
    "`{action}` can take the position to {position}, beyond max_position {limit}",
    "The worst-case position after an order — the current position, plus every resting order on that side, plus the new order, all filled — must stay within ±max_position. `exposure(inst, buy)` / `exposure(inst, sell)` read exactly that worst case; guard the order with it: `if exposure(es, buy) + size <= 10 { buy(es, size) }`.",
  ),
  PositionUnknown: def(
    "R0404",
    "position-unknown",
    "error",
    "cannot prove that `{action}` keeps the position within ±max_position {limit}",
    "The analysis could not bound the worst-case position after this order: nothing on the path relates the exposure to the limit. Guard the order on the exposure of its side, e.g. `if exposure(es, buy) + size <= 10`, or `if position(es) + size <= 10` when the strategy keeps no resting orders.",
  ),
  PriceBandUnsafe: def(
    "R0405",
    "price-band-unsafe",
    "error",
    "`{action}` can place a {side} limit {distance} beyond the touch, more than price_band {limit}",
    "A buy limit may be at most `price_band` above the best ask, a sell limit at most `price_band` below the best bid (a fat-finger guard). Write prices relative to the touch, `book.best_ask(es) + 2 ticks`, so the distance is provable.",
  ),
  PriceBandUnknown: def(
    "R0406",
    "price-band-unknown",
    "error",
    "cannot prove that the limit price of `{action}` is within price_band {limit} of the touch",
    "The limit price is not written relative to the book's touch (or depends on a feature with no bound), so the analysis cannot prove it within the price band. Write it as `book.best_ask(es) + k ticks` / `book.best_bid(es) - k ticks` with a bounded k, or clamp it between the touch and the band.",
  ),
  OpenOrdersUnsafe: def(
    "R0407",
    "open-orders-unsafe",
    "error",
    "one `{handler}` event can send {count} orders, more than max_open_orders {limit}",
    "One handler run can send at most `max_open_orders` new orders (a `quote` counts as two, a loop multiplies its body). Send fewer orders per event, or raise the limit.",
  ),
  OrderQtyNotPositive: def(
    "R0408",
    "order-qty-not-positive",
    "error",
    "`{action}` can send a quantity of {qty}: order quantities must be at least 1 lot",
    "An order's quantity must be a whole number of lots, at least 1, for every param value in its declared range and every path through the handler. A literal 0 or negative quantity, or a `qty` param whose range reaches 0 or below, is refused: the order would be rejected at run time (or, negated, turn a buy into a sell). Fix: declare the param's range from 1 (`param size: qty = 1 in [1, 5]`), or guard the order: `if q >= 1 { buy(es, q) }`.",
  ),
  MissingRiskBlock: def(
    "R0410",
    "missing-risk-block",
    "error",
    "strategy `{name}` sends orders but has no `risk` block",
    "A strategy that sends orders must declare its limits: `risk { max_position = 10  max_order_qty = 5  max_open_orders = 4  max_order_rate = 50 per 1s  max_loss = 25_000  price_band = 8 ticks }`. The compiler proves the per-order limits; the runtime enforces all of them.",
  ),
  MissingRiskLimit: def(
    "R0411",
    "missing-risk-limit",
    "error",
    "the `risk` block does not set `{key}`, and the strategy sends orders",
    "Every limit must be set for a strategy that sends orders: max_position, max_order_qty, max_open_orders, max_order_rate, max_loss and price_band. Add the missing key to the `risk` block.",
  ),
  RateMayBind: def(
    "R0412",
    "order-rate-may-bind",
    "warning",
    "`{handler}` can send {count} orders per event; at one event per {gap} the order rate limit {limit} can bind",
    "Limits that depend on history (orders per time window, open orders accumulated over events) are enforced at run time; orders beyond them are refused. The compiler warns where it can see the limit binding: a timer or bar handler sending more orders per period than the rate allows.",
  ),
  NotWarm: def(
    "R0420",
    "read-before-ready",
    "error",
    "`{name}` is read in a handler that does not check that it is warm",
    "A feature is NaN (or meaningless) until its window is full. A handler that reads a feature must be guarded by `when ready(x)` (or `if ready(x)`) of that feature or of one at least as warm (one that depends on it). Add the guard: `on book(es) when ready({name}) { ... }`.",
  ),
  DivisionByZero: def(
    "W0520",
    "division-by-zero",
    "warning",
    "the divisor `{divisor}` can be zero here",
    "The divisor's possible values include zero (for some param value in range, or a feature that can be zero, e.g. a spread or a volume). Division by zero gives Infinity or NaN, which then propagates into features and orders. Guard it (`if v != 0`), or add a floor: `max(v, 1e-9)`.",
  ),
  BackendLimit: def(
    "E0601",
    "cannot-compile",
    "error",
    "{message}",
    "The program checks, but the code generator cannot compile this construct (for example bar features without a bar length). The message says what to change.",
  ),
} as const;

/** The back end's codes, for the table. */
export const RISK_CODES: readonly DiagnosticDef[] = Object.values(RiskCodes);

/** Code-generation codes (E06xx). */
export const BACKEND_CODES: readonly DiagnosticDef[] = RISK_CODES.filter((c) => c.code.startsWith("E06"));
