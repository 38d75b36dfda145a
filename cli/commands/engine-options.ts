/**
 * Engine options from a backtest configuration, and opening data files: shared by `algo backtest`
 * and the workers of `algo sweep` (which must build every run exactly as a backtest does). Kept
 * free of the compiler so that a sweep worker starts without loading it.
 */
import { existsSync, statSync } from "node:fs";
import type { BacktestConfig, FeeSchedule as ConfigFees, LatencySpec as ConfigLatency } from "../config/index.js";
import { UserError } from "../errors.js";
import type { EngineOptions, InstrumentOverride } from "../../runtime/engine/engine.js";
import type { Strategy } from "../../runtime/engine/strategy.js";
import type { EventSource } from "../../runtime/events.js";
import type { FeeSchedule } from "../../runtime/execution/fees.js";
import type { LatencySpec } from "../../runtime/execution/latency.js";
import { QueueModel } from "../../runtime/execution/simulator.js";
import { asUserError, openDataSource } from "../../runtime/data/index.js";
import { schemaName } from "../../runtime/data/dbn/metadata.js";
import { VERSION } from "../version.js";

/** The engine options of one run: the configuration, the strategy instance and the opened data. */
export function engineOptions(
  config: BacktestConfig,
  strategy: { strategy: Strategy; name: string },
  sources: EventSource[],
  strategyPath: string,
  abort: { aborted: boolean },
): EngineOptions {
  checkQueueModel(config, sources);
  const instruments: Record<string, InstrumentOverride> = {};
  const fees: Record<string, FeeSchedule> = { "*": feesOf(config.fees) };
  const symbolMap: Record<string, string> = {};
  for (const [name, o] of Object.entries(config.instruments)) {
    // `instruments.<NAME>.symbol` binds the strategy's instrument NAME to that data symbol (another
    // contract month, say); the table's other settings then apply to the data instrument.
    if (o.symbol !== null) symbolMap[name] = o.symbol;
    const symbol = o.symbol ?? name;
    const ov: InstrumentOverride = {};
    if (o.tickSize !== null) ov.tickSize = o.tickSize;
    if (o.multiplier !== null) ov.multiplier = o.multiplier;
    if (ov.tickSize !== undefined || ov.multiplier !== undefined) instruments[symbol] = ov;
    if (o.fees !== null) fees[symbol] = feesOf(o.fees);
  }
  return {
    sources,
    sourceNames: config.data,
    strategy: strategy.strategy,
    strategyName: strategy.name,
    params: config.params,
    latency: { feed: latencyOf(config.latency.feed), orderEntry: latencyOf(config.latency.orderEntry), response: latencyOf(config.latency.response) },
    seed: config.seed,
    queueModel: config.queueModel === "worst" ? QueueModel.Worst : config.queueModel === "best" ? QueueModel.Best : QueueModel.ProRata,
    fees,
    instruments,
    symbolMap,
    fromEpochNs: config.fromNs,
    toEpochNs: config.toNs,
    sampleIntervalNs: config.sampling.equityIntervalNs,
    initialCapital: config.initialCapital,
    abort,
    recorder: {
      generatorVersion: VERSION,
      ...(config.sampling.periodsPerYear !== null ? { periodsPerYear: config.sampling.periodsPerYear } : {}),
      strategy: strategyPath,
    },
  };
}

function feesOf(f: ConfigFees): FeeSchedule {
  return f.unit === "bps"
    ? { makerPerContract: 0, takerPerContract: 0, makerBps: f.maker, takerBps: f.taker }
    : { makerPerContract: f.maker, takerPerContract: f.taker, makerBps: 0, takerBps: 0 };
}

function latencyOf(l: ConfigLatency): LatencySpec {
  switch (l.kind) {
    case "fixed":
      return { kind: "fixed", ns: l.ns };
    case "uniform":
      return { kind: "uniform", minNs: l.minNs, maxNs: l.maxNs };
    case "normal":
      return { kind: "normal", meanNs: l.meanNs, sdNs: l.stddevNs, minNs: l.minNs, maxNs: l.maxNs };
    case "lognormal":
      return { kind: "lognormal", medianNs: l.medianNs, sigma: l.sigma, minNs: l.minNs, maxNs: l.maxNs };
  }
}

/** Opens one data file in whatever format runtime/data recognises (DBN, DBZ, LOBSTER, CSV). */
export function openSource(path: string): EventSource {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`${path}: no such data file`);
  try {
    const opened = openDataSource(path, { selfContained: true });
    const lacking = lacksOrderIds(opened.format, opened.source);
    if (lacking !== null) noOrderIds.set(opened.source, lacking);
    return opened.source;
  } catch (err) {
    throw asUserError(err);
  }
}

/** Sources opened by openSource whose events carry no order ids, with what they hold instead. */
const noOrderIds = new WeakMap<EventSource, string>();

/**
 * What a source holds instead of order ids (market-by-order data), or null when its book events
 * carry them: DBN by the schema in its metadata (a mixed-schema file is let through: its MBO
 * records have ids), LOBSTER as the self-contained MBO stream a backtest reads, CSV never.
 */
function lacksOrderIds(format: string, source: EventSource): string | null {
  if (format === "lobster") return null;
  if (format === "csv") return "CSV trades or bars";
  const schema = (source as { metadata?: { schema?: number } | null }).metadata?.schema;
  if (schema === undefined || schema === 0xffff) return null;
  const name = schemaName(schema);
  return name === "mbo" ? null : `DBN ${name} records`;
}

/**
 * `queue.model = "l3"` asks for exact queue positions from order ids: refused, naming the file and
 * where the setting came from, when a data file has none (the engine would otherwise fall back to
 * an L2 model without saying so).
 */
function checkQueueModel(config: BacktestConfig, sources: EventSource[]): void {
  if (config.queueModel !== "l3") return;
  for (let i = 0; i < sources.length; i++) {
    const lacking = noOrderIds.get(sources[i]!);
    if (lacking === undefined) continue;
    const from = config.sources.get("queue.model") ?? "the configuration";
    throw new UserError(
      `${config.data[i] ?? "data"}: queue.model = "l3" (${from}) needs market-by-order data with order ids, and this file has ${lacking}; use pro-rata, worst or best for level-2 data`,
    );
  }
}

