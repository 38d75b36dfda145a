/**
 * Plain-words statements of a configuration's latency, queue and fee assumptions, for the run
 * recorder (every report states them) and the console summary.
 */
import { formatDurationNs } from "../../runtime/analytics/time-format.js";
import type { BacktestConfig, FeeSchedule, LatencySpec } from "./load.js";
import type { RunAssumptions } from "../../runtime/analytics/types.js";

/** "250us fixed", "normal(mean 250us, sd 40us)", ... */
export function describeLatency(spec: LatencySpec): string {
  const d = formatDurationNs;
  const bounds = (min: number, max: number | null): string =>
    `${min > 0 ? `, floor ${d(min)}` : ""}${max !== null ? `, cap ${d(max)}` : ""}`;
  switch (spec.kind) {
    case "fixed":
      return `${d(spec.ns)} fixed`;
    case "normal":
      return `normal(mean ${d(spec.meanNs)}, sd ${d(spec.stddevNs)}${bounds(spec.minNs, spec.maxNs)})`;
    case "lognormal":
      return `lognormal(median ${d(spec.medianNs)}, sigma ${spec.sigma}${bounds(spec.minNs, spec.maxNs)})`;
    case "uniform":
      return `uniform(${d(spec.minNs)} to ${d(spec.maxNs)})`;
  }
}

/** "maker -0.2/contract, taker 0.85/contract" or "maker 0.1 bps, taker 0.3 bps". */
export function describeFees(f: FeeSchedule): string {
  const u = f.unit === "bps" ? " bps of notional" : "/contract";
  return `maker ${f.maker}${u}${f.maker < 0 ? " (rebate)" : ""}, taker ${f.taker}${u}`;
}

const QUEUE_TEXT: Record<BacktestConfig["queueModel"], string> = {
  "pro-rata": "pro-rata: cancels at our level advance our queue position in proportion to the size ahead of us; trades at our price advance it fully",
  worst: "worst case: only trades at our price advance our queue position; cancels are assumed to be behind us",
  best: "best case: every cancel at our level is assumed to be ahead of us",
  l3: "exact from order ids (L3/MBO data): only cancels of orders ahead of ours advance us",
};

/** The assumptions a RunRecorder states in its report, from a configuration. */
export function describeAssumptions(config: BacktestConfig): RunAssumptions {
  const l = config.latency;
  const seeded = [l.feed, l.orderEntry, l.response].some((s) => s.kind !== "fixed");
  const instrumentFees = Object.entries(config.instruments)
    .filter(([, v]) => v.fees !== null)
    .map(([sym, v]) => `${sym}: ${describeFees(v.fees!)}`);
  return {
    latency: `feed ${describeLatency(l.feed)}; order entry ${describeLatency(l.orderEntry)}; response ${describeLatency(l.response)}${seeded ? `; seed ${config.seed}` : ""}`,
    queueModel: QUEUE_TEXT[config.queueModel],
    fees: [describeFees(config.fees), ...instrumentFees].join("; "),
  };
}
