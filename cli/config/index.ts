/** Backtest configuration: loading (defaults < TOML < ALGO_* < flags), validation, and descriptions. */
export { loadBacktestConfig, CONFIG_DEFAULTS } from "./load.js";
export type { BacktestConfig, ConfigFlags, FeeSchedule, LatencySpec, LoadConfigOptions, QueueModelName } from "./load.js";
export { describeAssumptions, describeFees, describeLatency } from "./assumptions.js";
export { parseDurationNs, parseTimestampNs } from "./units.js";
