/**
 * The runtime's public face: the engine and strategy interface, execution, risk and portfolio, plus
 * the public names of the data readers, books and analytics (their own index files).
 */
export * from "./events.js";
export * from "./engine/strategy.js";
export { BacktestEngine, runBacktest, LookupError } from "./engine/engine.js";
export type { EngineOptions, BacktestResult, InstrumentOverride } from "./engine/engine.js";
export { ScriptedSource } from "./engine/scripted-source.js";
export type { ScriptedEvent } from "./engine/scripted-source.js";
export { BarBuilders, BarRecord, Timers } from "./engine/bars.js";
export { ExecutionSimulator, QueueModel, QUEUE_MODEL_NAMES, DoneReason, EMPTY_BOOK } from "./execution/simulator.js";
export type { ExecutionListener, L3Lookup } from "./execution/simulator.js";
export { OrderPool, SimOrder, OrderKind, ExchangeState } from "./execution/orders.js";
export { LatencyModel, ZERO_LATENCY, describeLatency, fmtNs } from "./execution/latency.js";
export type { LatencySpec, LatencyConfig } from "./execution/latency.js";
export { SeededRandom } from "./execution/rng.js";
export { TimeHeap } from "./execution/time-heap.js";
export { feeOf, describeFees, NO_FEES } from "./execution/fees.js";
export type { FeeSchedule } from "./execution/fees.js";
export { RiskManager } from "./risk/manager.js";
export type { RiskState } from "./risk/manager.js";
export { describeLimits } from "./risk/limits.js";
export type { RiskLimits } from "./risk/limits.js";
export { Portfolio } from "./portfolio/portfolio.js";

// The other runtime areas' public faces. `Liquidity` exists in both the strategy interface (a const
// enum) and analytics (a plain object with the same values): the explicit export above wins.
export { Liquidity } from "./engine/strategy.js";
export * from "./book/index.js";
export * from "./data/index.js";
export * from "./analytics/index.js";
