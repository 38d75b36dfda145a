/**
 * Backtest configuration: defaults < TOML file (--config) < ALGO_* environment < flags, merged key
 * by key, validated against schemas/backtest-config.schema.json with ajv, then normalised (durations
 * to ns, timestamps to epoch ns, paths resolved). Every error names the key and where its value
 * came from: "run.toml:12: latency.order_entry: expected a duration like 250us, got 'fast'",
 * "ALGO_FEES_TAKER: expected a number, got 'abc'", "--set fees.unit=x: expected one of ...".
 *
 * Environment: ALGO_<KEY> with the dotted key upper-cased and dots as underscores
 * (ALGO_LATENCY_ORDER_ENTRY, ALGO_FEES_TAKER, ALGO_SAMPLING_EQUITY_INTERVAL), ALGO_PARAMS_<NAME>
 * for a strategy parameter (name lower-cased), ALGO_DATA as a list separated by the platform's path
 * delimiter. Other ALGO_* variables (ALGO_DEBUG, ALGO_SHARED_DATA) are not configuration.
 * Flags: --set key=value (a key without a dot that is not a top-level option is a strategy
 * parameter: --set size=3 ≡ --set params.size=3), plus --data/--from/--to/--out/--seed.
 * Values from the environment and --set are read as TOML values when they parse as one (3, 2.5,
 * true, "text"), else as plain text (250us, pro-rata).
 */
import { readFileSync } from "node:fs";
import { delimiter, dirname, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject } from "ajv";
import { parse as parseToml, TomlError } from "smol-toml";
import configSchema from "../../schemas/backtest-config.schema.json" with { type: "json" };
import { UserError } from "../errors.js";
import { locateTomlKeys } from "./toml-locate.js";
import type { KeyLines } from "./toml-locate.js";
import { parseDurationNs, parseTimestampNs } from "./units.js";

/** A latency: fixed, or drawn per message from a seeded distribution (ns; optional floor/cap). */
export type LatencySpec =
  | { kind: "fixed"; ns: number }
  | { kind: "normal"; meanNs: number; stddevNs: number; minNs: number; maxNs: number | null }
  | { kind: "lognormal"; medianNs: number; sigma: number; minNs: number; maxNs: number | null }
  | { kind: "uniform"; minNs: number; maxNs: number };

/** Fees per fill: maker (negative = rebate) and taker, per contract (currency) or in bps of notional. */
export interface FeeSchedule {
  maker: number;
  taker: number;
  unit: "per_contract" | "bps";
}

/** Queue position models (see the schema's description). */
export type QueueModelName = "pro-rata" | "worst" | "best" | "l3";

/** The normalised configuration of one backtest run. */
export interface BacktestConfig {
  /** Data files, absolute paths. */
  data: string[];
  /** Replay window, ns since the Unix epoch (null = unbounded). */
  fromNs: bigint | null;
  toNs: bigint | null;
  initialCapital: number;
  /** Output directory, absolute. */
  out: string;
  seed: number;
  sampling: { equityIntervalNs: number; periodsPerYear: number | null };
  latency: { feed: LatencySpec; orderEntry: LatencySpec; response: LatencySpec };
  queueModel: QueueModelName;
  fees: FeeSchedule;
  /** Per-symbol overrides (tick size in currency). */
  instruments: Record<string, { symbol: string | null; tickSize: number | null; multiplier: number | null; fees: FeeSchedule | null }>;
  params: Record<string, number | boolean | string>;
  /** The merged configuration as written (snake_case), for `--json` output and reports. */
  merged: Record<string, unknown>;
  /** Where each key's value came from (dotted key → description such as "run.toml:12"). */
  sources: Map<string, string>;
}

/** Flags of `algo backtest` that take part in configuration. */
export interface ConfigFlags {
  data?: string[];
  from?: string;
  to?: string;
  out?: string;
  seed?: string | number;
  /** Repeated --set key=value. */
  set?: string[];
}

/** Inputs of `loadBacktestConfig`. */
export interface LoadConfigOptions {
  configPath?: string;
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  flags?: ConfigFlags;
  /** Base for relative paths from the environment and flags (default: process.cwd()). */
  cwd?: string;
}

/** The built-in defaults (lowest precedence). */
export const CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  data: [],
  initial_capital: 100_000,
  out: "backtest-out",
  seed: 0,
  sampling: { equity_interval: "1s" },
  latency: { feed: "0ns", order_entry: "0ns", response: "0ns" },
  queue: { model: "pro-rata" },
  fees: { maker: 0, taker: 0, unit: "per_contract" },
  instruments: {},
  params: {},
});

const TOP_LEVEL_KEYS = ["data", "from", "to", "initial_capital", "out", "seed", "sampling", "latency", "queue", "fees", "instruments", "params"];
/** Leaf keys settable from the environment, by variable name. */
const ENV_KEYS: readonly string[] = [
  "data", "from", "to", "initial_capital", "out", "seed", "sampling.equity_interval", "sampling.periods_per_year",
  "latency.feed", "latency.order_entry", "latency.response", "queue.model", "fees.maker", "fees.taker", "fees.unit",
];

type Json = Record<string, unknown>;
interface Layer {
  values: Json;
  /** Dotted leaf key → source description. */
  sources: Map<string, string>;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateConfig = ajv.compile(configSchema);

/** Loads, merges, validates and normalises the configuration; throws UserError naming key and source. */
export function loadBacktestConfig(options: LoadConfigOptions): BacktestConfig {
  const cwd = options.cwd ?? process.cwd();
  const layers: Layer[] = [{ values: structuredClone(CONFIG_DEFAULTS) as Json, sources: leafSources(CONFIG_DEFAULTS as Json, () => "default") }];
  if (options.configPath) layers.push(fileLayer(resolve(cwd, options.configPath), options.configPath));
  layers.push(envLayer(options.env, cwd));
  layers.push(flagLayer(options.flags ?? {}, cwd));

  const merged: Json = {};
  const sources = new Map<string, string>();
  for (const layer of layers) {
    deepMerge(merged, layer.values);
    for (const [k, v] of layer.sources) {
      // A layer that sets a key replaces what earlier layers said about it and below it.
      for (const old of [...sources.keys()]) if (old.startsWith(`${k}.`) || k.startsWith(`${old}.`)) sources.delete(old);
      sources.set(k, v);
    }
  }
  if (!validateConfig(merged)) {
    throw new UserError(formatAjvErrors(validateConfig.errors ?? [], merged, sources).join("\n"));
  }
  return normalise(merged, sources, cwd);
}

// ---- layers ----

function fileLayer(path: string, shownPath: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${shownPath}: cannot read the configuration file${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`);
  }
  let values: Json;
  try {
    values = toPlain(parseToml(text)) as Json;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
      throw new UserError(`${shownPath}:${e.line}:${e.column}: invalid TOML: ${first}`);
    }
    throw e;
  }
  const lines: KeyLines = locateTomlKeys(text);
  // Relative paths in the file are relative to the file.
  const base = dirname(path);
  if (Array.isArray(values.data)) values.data = values.data.map((p) => (typeof p === "string" ? resolve(base, p) : p));
  else if (typeof values.data === "string") values.data = [resolve(base, values.data)];
  if (typeof values.out === "string") values.out = resolve(base, values.out);
  const sources = leafSources(values, (key) => {
    let k = key;
    for (;;) {
      const line = lines.get(k);
      if (line !== undefined) return `${shownPath}:${line}`;
      const dot = k.lastIndexOf(".");
      if (dot < 0) return shownPath;
      k = k.slice(0, dot);
    }
  });
  return { values, sources };
}

function envLayer(env: LoadConfigOptions["env"], cwd: string): Layer {
  const values: Json = {};
  const sources = new Map<string, string>();
  const byName = new Map(ENV_KEYS.map((k) => [`ALGO_${k.toUpperCase().replace(/\./g, "_")}`, k]));
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (raw === undefined || !name.startsWith("ALGO_")) continue;
    let key = byName.get(name);
    if (key === undefined && name.startsWith("ALGO_PARAMS_") && name.length > "ALGO_PARAMS_".length) {
      key = `params.${name.slice("ALGO_PARAMS_".length).toLowerCase()}`;
    }
    if (key === undefined) continue;
    let value: unknown;
    if (key === "data") value = raw.split(delimiter).filter((p) => p.length > 0).map((p) => resolve(cwd, p));
    else if (key === "out") value = resolve(cwd, raw);
    else if (key === "from" || key === "to") value = raw.trim(); // exact: never through a double
    else value = readScalar(raw);
    setPath(values, key, value);
    sources.set(key, name);
  }
  return { values, sources };
}

function flagLayer(flags: ConfigFlags, cwd: string): Layer {
  const values: Json = {};
  const sources = new Map<string, string>();
  for (const assignment of flags.set ?? []) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UserError(`--set ${assignment}: expected key=value (for example --set params.size=3 or --set latency.feed=50us)`);
    let key = assignment.slice(0, eq).trim();
    const raw = assignment.slice(eq + 1);
    if (!key.includes(".") && !TOP_LEVEL_KEYS.includes(key)) key = `params.${key}`;
    let value: unknown = key === "from" || key === "to" ? raw.trim() : readScalar(raw);
    if (key === "data") value = raw.split(",").filter((p) => p.length > 0).map((p) => resolve(cwd, p));
    else if (key === "out") value = resolve(cwd, raw);
    setPath(values, key, value);
    sources.set(key, `--set ${assignment}`);
  }
  if (flags.data && flags.data.length > 0) {
    values.data = flags.data.map((p) => resolve(cwd, p));
    sources.set("data", "--data");
  }
  if (flags.from !== undefined) {
    values.from = flags.from;
    sources.set("from", "--from");
  }
  if (flags.to !== undefined) {
    values.to = flags.to;
    sources.set("to", "--to");
  }
  if (flags.out !== undefined) {
    values.out = resolve(cwd, flags.out);
    sources.set("out", "--out");
  }
  if (flags.seed !== undefined) {
    values.seed = typeof flags.seed === "number" ? flags.seed : readScalar(flags.seed);
    sources.set("seed", "--seed");
  }
  return { values, sources };
}

// ---- helpers ----

/** A value from the environment or --set: a TOML scalar when it parses as one, else the text. */
function readScalar(raw: string): unknown {
  const text = raw.trim();
  try {
    const v = parseToml(`v = ${text}`).v;
    // Dates stay as written: timestamps are parsed exactly (ns) and checked later.
    return v instanceof Date ? text : toPlain(v);
  } catch {
    return text;
  }
}

/** TOML dates become ISO strings; everything else is copied as plain JSON values. */
function toPlain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === "object") {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  return v;
}

function isPlainObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function deepMerge(target: Json, source: Json): void {
  for (const [k, v] of Object.entries(source)) {
    if (isPlainObject(v) && isPlainObject(target[k])) deepMerge(target[k] as Json, v);
    else target[k] = isPlainObject(v) ? structuredClone(v) : v;
  }
}

function setPath(obj: Json, dotted: string, value: unknown): void {
  const parts = dotted.split(".");
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Json;
  }
  cur[parts[parts.length - 1]!] = value;
}

function getPath(obj: unknown, parts: string[]): unknown {
  let cur = obj;
  for (const p of parts) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function leafSources(values: Json, describe: (key: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, prefix: string): void => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
    } else if (prefix) out.set(prefix, describe(prefix));
  };
  walk(values, "");
  return out;
}

/** The source of `key`: its own, or the nearest parent's (a table written as a whole). */
function sourceOf(key: string, sources: Map<string, string>): string {
  // A table whose own keys came from somewhere: name where its first key was written.
  for (const [k, s] of sources) if (k.startsWith(`${key}.`)) return s;
  let k = key;
  for (;;) {
    const s = sources.get(k);
    if (s !== undefined) return s;
    const dot = k.lastIndexOf(".");
    if (dot < 0) return "configuration";
    k = k.slice(0, dot);
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (v === undefined) return "nothing";
  if (typeof v === "number" && !Number.isFinite(v)) return `${String(v)} (numbers must be finite)`;
  return JSON.stringify(v);
}

/** "where: key: problem"; environment variables and --set already name the key. */
function located(key: string, problem: string, sources: Map<string, string>): string {
  const where = sourceOf(key, sources);
  if (where.startsWith("ALGO_") || where.startsWith("--")) return `${where}: ${problem}`;
  return `${where}: ${key}: ${problem}`;
}

function formatAjvErrors(errors: ErrorObject[], merged: Json, sources: Map<string, string>): string[] {
  // anyOf (a latency is a duration or a table): keep the branch that matches the value's shape.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (e.keyword === "anyOf") continue;
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: string[] = [];
  for (const [path, list] of byPath) {
    const parts = path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const value = getPath(merged, parts);
    // Drop type mismatches against the other anyOf branch when a more specific error exists here or deeper.
    let relevant = list;
    const deeper = [...byPath.keys()].some((p) => p !== path && p.startsWith(`${path}/`));
    const nonType = list.filter((e) => e.keyword !== "type");
    if (nonType.length > 0) relevant = nonType;
    else if (deeper && list.every((e) => e.keyword === "type")) continue;
    for (const e of relevant.slice(0, 1)) {
      let key = parts.join(".");
      let problem: string;
      switch (e.keyword) {
        case "type":
          problem = `expected ${article(String(e.params.type))}, got ${show(value)}`;
          // `--set k=146945` reads a number (values are TOML when they parse as TOML): say how to write the string.
          if (e.params.type === "string" && (typeof value === "number" || typeof value === "boolean")) {
            problem += ` (a value that reads as a number or bool is one: quote it to give the text, e.g. --set '${parts.join(".")}="${String(value)}"' or ${parts[parts.length - 1] ?? "key"} = "${String(value)}" in TOML)`;
          }
          break;
        case "pattern":
          problem = e.schemaPath.includes("timestamp")
            ? `expected a date-time like 2024-01-02T14:30:00Z (or a date 2024-01-02, or ns since the epoch), got ${show(value)}`
            : `expected a duration like 250us (units ns, us, ms, s, m, h), got ${show(value)}`;
          break;
        case "enum":
          problem = `expected one of ${(e.params.allowedValues as unknown[]).map((x) => String(x)).join(", ")}, got ${show(value)}`;
          break;
        case "additionalProperties": {
          const extra = String(e.params.additionalProperty);
          key = key ? `${key}.${extra}` : extra;
          const known = Object.keys(propertiesAt(parts)).join(", ");
          problem = `unknown key${known ? ` (known keys here: ${known})` : ""}`;
          break;
        }
        case "required":
          problem = `missing '${String(e.params.missingProperty)}'`;
          break;
        case "minimum":
        case "exclusiveMinimum":
          problem = `expected a number ${e.keyword === "minimum" ? ">=" : ">"} ${String(e.params.limit)}, got ${show(value)}`;
          break;
        default:
          problem = `${e.message ?? "invalid"}, got ${show(value)}`;
      }
      out.push(located(key, problem, sources));
    }
  }
  return out.length > 0 ? out : ["configuration: invalid (no detail from the validator)"];
}

function article(type: string): string {
  const t = type === "integer" ? "whole number" : type === "object" ? "table" : type === "array" ? "list" : type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function propertiesAt(parts: string[]): Json {
  let s: unknown = configSchema;
  for (const p of parts) {
    const props = (s as { properties?: Json }).properties;
    if (props && p in props) s = props[p];
    else return {};
    const ref = (s as { $ref?: string }).$ref;
    if (ref?.startsWith("#/$defs/")) s = (configSchema.$defs as Json)[ref.slice(8)];
  }
  return ((s as { properties?: Json }).properties ?? {}) as Json;
}

// ---- normalisation (values are schema-valid here) ----

function latencyOf(key: string, v: unknown, sources: Map<string, string>): LatencySpec {
  const dur = (x: unknown): number => parseDurationNs(String(x)) ?? 0;
  if (typeof v === "string") return { kind: "fixed", ns: dur(v) };
  const t = v as Json;
  const need = (names: string[]): void => {
    const missing = names.filter((n) => t[n] === undefined);
    if (missing.length > 0) throw new UserError(located(key, `a ${String(t.kind)} latency needs ${missing.map((m) => `'${m}'`).join(" and ")}`, sources));
  };
  const minNs = t.min !== undefined ? dur(t.min) : 0;
  const maxNs = t.max !== undefined ? dur(t.max) : null;
  switch (t.kind) {
    case "fixed":
      need(["value"]);
      return { kind: "fixed", ns: dur(t.value) };
    case "normal":
      need(["mean", "stddev"]);
      return { kind: "normal", meanNs: dur(t.mean), stddevNs: dur(t.stddev), minNs, maxNs };
    case "lognormal":
      need(["median", "sigma"]);
      return { kind: "lognormal", medianNs: dur(t.median), sigma: Number(t.sigma), minNs, maxNs };
    default: {
      need(["min", "max"]);
      if (maxNs! < minNs) throw new UserError(located(`${key}.max`, `must not be below min (${String(t.min)})`, sources));
      return { kind: "uniform", minNs, maxNs: maxNs! };
    }
  }
}

function feesOf(v: unknown, fallback: FeeSchedule): FeeSchedule {
  const t = (v ?? {}) as Json;
  return {
    maker: typeof t.maker === "number" ? t.maker : fallback.maker,
    taker: typeof t.taker === "number" ? t.taker : fallback.taker,
    unit: (t.unit as FeeSchedule["unit"]) ?? fallback.unit,
  };
}

function normalise(m: Json, sources: Map<string, string>, cwd: string): BacktestConfig {
  const time = (key: "from" | "to"): bigint | null => {
    if (m[key] === undefined) return null;
    const ns = parseTimestampNs(String(m[key]));
    if (ns === null) throw new UserError(located(key, `not a real date-time: ${show(m[key])}`, sources));
    return ns;
  };
  const fromNs = time("from");
  const toNs = time("to");
  if (fromNs !== null && toNs !== null && toNs <= fromNs) {
    throw new UserError(located("to", `must be after from (${String(m.from)}), got ${show(m.to)}`, sources));
  }
  const sampling = m.sampling as Json;
  const equityIntervalNs = parseDurationNs(String(sampling.equity_interval)) ?? 0;
  if (equityIntervalNs <= 0) throw new UserError(located("sampling.equity_interval", `must be longer than 0, got ${show(sampling.equity_interval)}`, sources));
  const latency = m.latency as Json;
  const fees = feesOf(m.fees, { maker: 0, taker: 0, unit: "per_contract" });
  const instruments: BacktestConfig["instruments"] = {};
  for (const [sym, raw] of Object.entries((m.instruments ?? {}) as Json)) {
    const t = raw as Json;
    instruments[sym] = {
      symbol: typeof t.symbol === "string" ? t.symbol : null,
      tickSize: typeof t.tick_size === "number" ? t.tick_size : null,
      multiplier: typeof t.multiplier === "number" ? t.multiplier : null,
      fees: t.fees !== undefined ? feesOf(t.fees, fees) : null,
    };
  }
  return {
    data: (m.data as string[]) ?? [],
    fromNs,
    toNs,
    initialCapital: m.initial_capital as number,
    out: resolve(cwd, m.out as string),
    seed: m.seed as number,
    sampling: { equityIntervalNs, periodsPerYear: typeof sampling.periods_per_year === "number" ? sampling.periods_per_year : null },
    latency: {
      feed: latencyOf("latency.feed", latency.feed, sources),
      orderEntry: latencyOf("latency.order_entry", latency.order_entry, sources),
      response: latencyOf("latency.response", latency.response, sources),
    },
    queueModel: (m.queue as Json).model as QueueModelName,
    fees,
    instruments,
    params: { ...((m.params ?? {}) as Record<string, number | boolean | string>) },
    merged: m,
    sources,
  };
}
