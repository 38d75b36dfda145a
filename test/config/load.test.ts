/**
 * Configuration: precedence (defaults < TOML < ALGO_* < flags, each layer overriding the previous),
 * errors naming the key and where its value came from, TOML syntax errors with line:column, and
 * the value forms (durations, timestamps, latency distributions).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadBacktestConfig } from "../../cli/config/load.js";
import { describeAssumptions } from "../../cli/config/assumptions.js";
import { parseDurationNs, parseTimestampNs } from "../../cli/config/units.js";
import { UserError } from "../../cli/errors.js";

const dir = mkdtempSync(join(tmpdir(), "algo-config-"));
function toml(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected a UserError");
}

const RUN = toml(
  "run.toml",
  `# a run
data = ["day.dbn"]
seed = 7
initial_capital = 50000

[latency]
feed = "50us"
order_entry = { kind = "normal", mean = "250us", stddev = "40us" }

[fees]
taker = 0.85
maker = -0.2

[queue]
model = "worst"

[instruments.ESZ4]
tick_size = 0.25
multiplier = 50

[params]
size = 3
`,
);

describe("precedence", () => {
  it("defaults alone", () => {
    const c = loadBacktestConfig({ env: {}, cwd: dir });
    expect(c.initialCapital).toBe(100_000);
    expect(c.sampling.equityIntervalNs).toBe(1e9);
    expect(c.queueModel).toBe("pro-rata");
    expect(c.latency.feed).toEqual({ kind: "fixed", ns: 0 });
    expect(c.fees).toEqual({ maker: 0, taker: 0, unit: "per_contract" });
    expect(c.out).toBe(join(dir, "backtest-out"));
    expect(c.sources.get("fees.taker")).toBe("default");
  });

  it("the TOML file overrides defaults; relative paths are relative to the file", () => {
    const c = loadBacktestConfig({ configPath: RUN, env: {}, cwd: "/" });
    expect(c.data).toEqual([join(dir, "day.dbn")]);
    expect(c.seed).toBe(7);
    expect(c.initialCapital).toBe(50_000);
    expect(c.latency.feed).toEqual({ kind: "fixed", ns: 50_000 });
    expect(c.latency.orderEntry).toEqual({ kind: "normal", meanNs: 250_000, stddevNs: 40_000, minNs: 0, maxNs: null });
    expect(c.fees).toEqual({ maker: -0.2, taker: 0.85, unit: "per_contract" });
    expect(c.queueModel).toBe("worst");
    expect(c.instruments.ESZ4).toEqual({ symbol: null, tickSize: 0.25, multiplier: 50, fees: null });
    expect(c.params).toEqual({ size: 3 });
    expect(c.sources.get("fees.taker")).toBe(`${RUN}:11`);
    expect(c.sources.get("latency.order_entry.mean")).toBe(`${RUN}:8`);
    expect(c.sources.get("params.size")).toBe(`${RUN}:22`);
  });

  it("the environment overrides the file", () => {
    const c = loadBacktestConfig({
      configPath: RUN,
      env: { ALGO_FEES_TAKER: "1.25", ALGO_LATENCY_ORDER_ENTRY: "1ms", ALGO_PARAMS_SIZE: "5", ALGO_DEBUG: "1", HOME: "/x" },
      cwd: dir,
    });
    expect(c.fees.taker).toBe(1.25);
    expect(c.fees.maker).toBe(-0.2);
    expect(c.latency.orderEntry).toEqual({ kind: "fixed", ns: 1e6 });
    expect(c.params.size).toBe(5);
    expect(c.sources.get("fees.taker")).toBe("ALGO_FEES_TAKER");
    expect(c.sources.has("latency.order_entry.mean")).toBe(false);
  });

  it("flags override the environment", () => {
    const c = loadBacktestConfig({
      configPath: RUN,
      env: { ALGO_FEES_TAKER: "1.25", ALGO_SEED: "9", ALGO_OUT: "env-out" },
      flags: { set: ["fees.taker=2", "size=4", "latency.feed=1us", "queue.model=best"], seed: "11", out: "flag-out", data: ["a.dbn", "b.dbn"] },
      cwd: dir,
    });
    expect(c.fees.taker).toBe(2);
    expect(c.params.size).toBe(4);
    expect(c.latency.feed).toEqual({ kind: "fixed", ns: 1000 });
    expect(c.queueModel).toBe("best");
    expect(c.seed).toBe(11);
    expect(c.out).toBe(join(dir, "flag-out"));
    expect(c.data).toEqual([join(dir, "a.dbn"), join(dir, "b.dbn")]);
    expect(c.sources.get("fees.taker")).toBe("--set fees.taker=2");
    expect(c.sources.get("seed")).toBe("--seed");
  });

  it("env out is relative to the working directory; ALGO_DATA is a path list", () => {
    const c = loadBacktestConfig({ env: { ALGO_OUT: "o", ALGO_DATA: "x.dbn:y.dbn" }, cwd: dir });
    expect(c.out).toBe(join(dir, "o"));
    expect(c.data).toEqual([join(dir, "x.dbn"), join(dir, "y.dbn")]);
  });

  it("time window and the describing text", () => {
    const c = loadBacktestConfig({ env: {}, flags: { from: "2024-01-02T14:30:00.000000001Z", to: "2024-01-02T15:30:00-05:00" }, cwd: dir });
    expect(c.fromNs).toBe(1_704_205_800_000_000_001n);
    expect(c.toNs).toBe(1_704_227_400_000_000_000n);
    const ns = loadBacktestConfig({ env: { ALGO_FROM: "1704205800000000001" }, flags: { to: "1704205800000000002" }, cwd: dir });
    expect(ns.fromNs).toBe(1_704_205_800_000_000_001n);
    expect(ns.toNs).toBe(1_704_205_800_000_000_002n);
    const a = describeAssumptions(loadBacktestConfig({ configPath: RUN, env: {}, cwd: dir }));
    expect(a.latency).toBe("feed 50us fixed; order entry normal(mean 250us, sd 40us); response 0s fixed; seed 7");
    expect(a.fees).toBe("maker -0.2/contract (rebate), taker 0.85/contract");
    expect(a.queueModel).toMatch(/^worst case/);
  });
});

describe("errors name the key and where it came from", () => {
  it("a bad duration in the file: file:line and key", () => {
    const p = toml("bad-duration.toml", `seed = 1\n\n[latency]\nfeed = "50us"\norder_entry = "fast"\n`);
    expect(errorOf(() => loadBacktestConfig({ configPath: p, env: {} }))).toBe(
      `${p}:5: latency.order_entry: expected a duration like 250us (units ns, us, ms, s, m, h), got 'fast'`,
    );
  });

  it("a bad number in the environment names the variable", () => {
    expect(errorOf(() => loadBacktestConfig({ env: { ALGO_FEES_TAKER: "abc" } }))).toBe("ALGO_FEES_TAKER: expected a number, got 'abc'");
  });

  it("a bad --set names the flag", () => {
    expect(errorOf(() => loadBacktestConfig({ env: {}, flags: { set: ["queue.model=fifo"] } }))).toBe(
      "--set queue.model=fifo: expected one of pro-rata, worst, best, l3, got 'fifo'",
    );
    expect(errorOf(() => loadBacktestConfig({ env: {}, flags: { set: ["novalue"] } }))).toMatch(/^--set novalue: expected key=value/);
    expect(errorOf(() => loadBacktestConfig({ env: {}, flags: { set: ["fees.taker=-1e999"] } }))).toBe(
      "--set fees.taker=-1e999: expected a number, got -Infinity (numbers must be finite)",
    );
  });

  it("unknown keys, with the known ones", () => {
    const p = toml("unknown.toml", `[fees]\ntaker = 1\ntakr = 2\n`);
    expect(errorOf(() => loadBacktestConfig({ configPath: p, env: {} }))).toBe(`${p}:3: fees.takr: unknown key (known keys here: maker, taker, unit)`);
  });

  it("a distribution missing a parameter, and a bad kind", () => {
    const p = toml("dist.toml", `[latency]\nresponse = { kind = "normal", mean = "1ms" }\n`);
    expect(errorOf(() => loadBacktestConfig({ configPath: p, env: {} }))).toBe(`${p}:2: latency.response: a normal latency needs 'stddev'`);
    const q = toml("kind.toml", `[latency]\n\nresponse = { kind = "gaussian", mean = "1ms" }\n`);
    expect(errorOf(() => loadBacktestConfig({ configPath: q, env: {} }))).toBe(
      `${q}:3: latency.response.kind: expected one of fixed, normal, lognormal, uniform, got 'gaussian'`,
    );
  });

  it("several errors are all reported", () => {
    const p = toml("many.toml", `initial_capital = -5\nseed = 1.5\n`);
    const msg = errorOf(() => loadBacktestConfig({ configPath: p, env: {} }));
    expect(msg.split("\n").sort()).toEqual([
      `${p}:1: initial_capital: expected a number > 0, got -5`,
      `${p}:2: seed: expected a whole number, got 1.5`,
    ]);
  });

  it("TOML syntax errors carry line and column", () => {
    const p = toml("syntax.toml", `seed = 1\n[fees]\ntaker = = 2\n`);
    expect(errorOf(() => loadBacktestConfig({ configPath: p, env: {} }))).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:9: invalid TOML: `));
  });

  it("a missing file, a reversed window, a bad date", () => {
    expect(errorOf(() => loadBacktestConfig({ configPath: join(dir, "nope.toml"), env: {} }))).toMatch(/nope\.toml: cannot read the configuration file \(no such file\)$/);
    expect(errorOf(() => loadBacktestConfig({ env: {}, flags: { from: "2024-01-02", to: "2024-01-01" } }))).toBe("--to: must be after from (2024-01-02), got '2024-01-01'");
    expect(errorOf(() => loadBacktestConfig({ env: { ALGO_FROM: "2024-02-30" } }))).toBe("ALGO_FROM: not a real date-time: '2024-02-30'");
    expect(errorOf(() => loadBacktestConfig({ env: { ALGO_TO: "yesterday" } }))).toMatch(/^ALGO_TO: expected a date-time like 2024-01-02T14:30:00Z/);
  });
});

describe("value forms", () => {
  it("durations", () => {
    expect(parseDurationNs("250us")).toBe(250_000);
    expect(parseDurationNs("1.5ms")).toBe(1_500_000);
    expect(parseDurationNs("2m")).toBe(120e9);
    expect(parseDurationNs("fast")).toBeNull();
    expect(parseDurationNs("5")).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom(["ns", 1], ["us", 1e3], ["ms", 1e6], ["s", 1e9]), (n, [u, f]) => {
        expect(parseDurationNs(`${n}${u}`)).toBe(n * (f as number));
      }),
    );
  });

  it("timestamps round-trip against Date for millisecond values", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseTimestampNs(iso)).toBe(BigInt(ms) * 1_000_000n);
      }),
    );
  });

  it("unquoted TOML date-times are accepted", () => {
    const p = toml("dates.toml", `from = 2024-01-02T14:30:00Z\nto = 2024-01-03\n`);
    const c = loadBacktestConfig({ configPath: p, env: {} });
    expect(c.fromNs).toBe(1_704_205_800_000_000_000n);
    expect(c.toNs).toBe(1_704_240_000_000_000_000n);
  });
});
