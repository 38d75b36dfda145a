/**
 * `algo sweep` as a user runs it (spawns `node bin/algo.js`; `npm run build` runs before the
 * tests): exact usage errors (exit 2, one line, no stack), an end-to-end sweep of the
 * market-making example on the data shipped in examples/, byte-identical outputs whatever the
 * number of workers, sweep.json valid against its schema, every row equal to the metrics of a
 * separate `algo backtest --set ...` run, `--json`, and Ctrl-C writing the finished rows marked
 * partial.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import reportSchema from "../../schemas/report.schema.json" with { type: "json" };
import sweepSchema from "../../schemas/sweep.schema.json" with { type: "json" };
import { REPO_ROOT } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");
const EXAMPLES = join(REPO_ROOT, "examples");
const built = existsSync(join(REPO_ROOT, "dist", "cli.js"));
const dir = mkdtempSync(join(tmpdir(), "algo-sweep-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Run from examples/ so that paths in messages are the short ones a user types.
const STRATEGY = "imbalance_maker.algo";
const DATA = "data/esz4-synthetic.mbo.dbn";
const DATA_EVENTS = 72411;
const GRID = ["--grid", "threshold=0.1..0.3:0.1", "--grid", "size=1,2"];

function algo(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", maxBuffer: 1 << 26, cwd: EXAMPLES, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface Row {
  rank: number;
  index: number;
  params: Record<string, number | boolean>;
  eventsProcessed: number;
  halted: boolean;
  metrics: Record<string, number | null>;
  refusals: Record<string, number>;
}

describe.skipIf(!built)("algo sweep: usage errors", () => {
  const base = [STRATEGY, "--data", DATA];
  const cases: Array<[string, string[], string]> = [
    ["no grid", base, "algo: no grid: give at least one --grid name=values (for example --grid size=1..5:1 or --grid threshold=0.1,0.2,0.4)"],
    ["malformed grid", [...base, "--grid", "size=1..x:1"], "algo: --grid size=1..x:1: `x` is not a decimal number"],
    ["no data", [STRATEGY, "--grid", "size=1,2"], "algo: no market data: give --data PATH (or `data = [...]` in the --config file, or ALGO_DATA)"],
    [
      "too many runs",
      [...base, "--grid", "size=1..5", "--grid", "window=50..2000:1"],
      "algo: the grid has 9,755 combinations (size: 5 × window: 1951), more than the default limit 1,000; pass --max-runs 9755 to run them all, or use fewer values",
    ],
    [
      "too many runs for --max-runs",
      [...base, "--grid", "size=1..5", "--max-runs", "4"],
      "algo: the grid has 5 combinations (size: 5), more than --max-runs 4; pass --max-runs 5 to run them all, or use fewer values",
    ],
    ["bad --workers", [...base, "--grid", "size=1,2", "--workers", "0"], "algo: --workers: expected a whole number ≥ 1, got `0`"],
    [
      "bad --sort",
      [...base, "--grid", "size=1,2", "--sort", "net_pnl"],
      "algo: --sort net_pnl: not a metric (did you mean netPnl?); use one of netPnl, returnPct, sharpe, sortino, maxDrawdown, profitFactor, hitRatePct, ... (every metric of report.json, see docs/sweep.md)",
    ],
    [
      "a TypeScript strategy",
      ["strategies-ts/market-maker.ts", "--data", DATA, "--grid", "size=1,2"],
      "algo: strategies-ts/market-maker.ts: algo sweep runs .algo strategies (their params declare the ranges a sweep may use); backtest a .ts/.js strategy with algo backtest --set",
    ],
    ["--set and --grid on one param", [...base, "--grid", "size=1,2", "--set", "size=3"], "algo: param `size` is both fixed (--set size=3) and swept (--grid size=1,2); drop one of them"],
    ["no strategy file", ["nope.algo", "--data", DATA, "--grid", "size=1,2"], "algo: nope.algo: no such file"],
    // These need the strategy's params: the strategy is compiled first.
    ["unknown param", [...base, "--grid", "nope=1,2"], "algo: imbalance_maker.algo: --grid nope=1,2: unknown param `nope` (the strategy declares: threshold, size, window)"],
    [
      "values out of the declared range",
      [...base, "--grid", "size=1..7"],
      "algo: imbalance_maker.algo: --grid size=1..7: param `size` = 6 is outside its declared range [1, 5] (the risk proof covers only that range); 2 of the grid's 7 values are invalid",
    ],
    [
      "a value below the range",
      [...base, "--grid", "threshold=0.01,0.1"],
      "algo: imbalance_maker.algo: --grid threshold=0.01,0.1: param `threshold` = 0.01 is outside its declared range [0.05, 0.9] (the risk proof covers only that range)",
    ],
    ["a fraction for a qty", [...base, "--grid", "size=1..2:0.5"], "algo: imbalance_maker.algo: --grid size=1..2:0.5: param `size`: expected a whole number (qty), got 1.5"],
    [
      "a fixed param out of range",
      [...base, "--grid", "size=1,2", "--set", "window=10"],
      "algo: --set window=10: param `window` = 10 is outside its declared range [50, 2000] (the risk proof covers only that range)",
    ],
    ["a missing data file", [STRATEGY, "--data", "nope.dbn", "--grid", "size=1,2"], `algo: ${join(EXAMPLES, "nope.dbn")}: no such data file`],
  ];
  it.each(cases)("%s", (_name, args, message) => {
    const r = algo(["sweep", ...args]);
    expect(r.err).toBe(`${message}\n`);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
  });
});

describe.skipIf(!built)("algo sweep: end to end on the example data", () => {
  const out1 = join(dir, "w1");
  const out2 = join(dir, "w2");
  let doc: { rows: Row[]; [k: string]: unknown };

  it("ranks the 6 runs, writes sweep.csv and sweep.json, and says how many combinations were tried", () => {
    const r = algo(["sweep", STRATEGY, "--data", DATA, ...GRID, "--workers", "1", "--out", out1]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^algo: 6 runs, 434,466 events in [\d.]+ s on 1 worker \([\d.]+ runs\/s, [\d,]+ events\/s; process CPU [\d.]+ s\)\n$/);
    expect(r.out).toContain("Sweep ImbalanceMaker (imbalance_maker.algo): 6 combinations of threshold (3) × size (2)");
    expect(r.out).toContain("Top 6 of 6 by netPnl (higher is better):");
    expect(r.out).toContain("Overfitting: These are the best of 6 combinations tried on the same data");
    expect(r.out).toContain(`Results: ${join(out1, "sweep.csv")}, ${join(out1, "sweep.json")}`);
    doc = JSON.parse(readFileSync(join(out1, "sweep.json"), "utf8"));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema(reportSchema);
    const validate = ajv.compile(sweepSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.partial).toBe(false);
    expect(doc.runs).toEqual({ planned: 6, finished: 6 });
    expect(doc.grid).toEqual([
      { name: "threshold", spec: "0.1..0.3:0.1", values: [0.1, 0.2, 0.3] },
      { name: "size", spec: "1,2", values: [1, 2] },
    ]);
    expect(doc.sort).toEqual({ metric: "netPnl", order: "desc" });
    const rows = doc.rows;
    expect(rows.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.map((x) => x.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Combination i: threshold varies slowest, size fastest.
    for (const row of rows) {
      expect(row.params).toEqual({ threshold: [0.1, 0.2, 0.3][Math.floor(row.index / 2)], size: [1, 2][row.index % 2] });
      expect(row.eventsProcessed).toBe(DATA_EVENTS);
    }
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!.metrics.netPnl!;
      const b = rows[i]!.metrics.netPnl!;
      expect(a > b || (a === b && rows[i - 1]!.index < rows[i]!.index)).toBe(true);
    }
    // The runs differ (the params reach the strategy).
    expect(new Set(rows.map((x) => x.metrics.orders)).size).toBeGreaterThan(1);
    // sweep.csv: the same rows in the same order.
    const csv = readFileSync(join(out1, "sweep.csv"), "utf8").trimEnd().split("\n");
    const header = csv[0]!.split(",");
    expect(header.slice(0, 5)).toEqual(["rank", "index", "threshold", "size", "netPnl"]);
    expect(header).toContain("sharpe");
    expect(header).toContain("refusals");
    expect(csv.length).toBe(7);
    for (let i = 0; i < 6; i++) {
      const cells = csv[i + 1]!.split(",");
      expect(Number(cells[0])).toBe(rows[i]!.rank);
      expect(Number(cells[1])).toBe(rows[i]!.index);
      expect(Number(cells[4])).toBeCloseTo(rows[i]!.metrics.netPnl!, 9);
      expect(cells[header.indexOf("sharpe")]).toBe(rows[i]!.metrics.sharpe === null ? "" : String(rows[i]!.metrics.sharpe));
    }
  }, 300_000);

  it("2 workers give byte-identical sweep.csv, sweep.json and table", () => {
    const r1 = algo(["sweep", STRATEGY, "--data", DATA, ...GRID, "--workers", "1", "--out", out1]);
    const r2 = algo(["sweep", STRATEGY, "--data", DATA, ...GRID, "--workers", "2", "--out", out2]);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.err).toContain("on 2 workers");
    for (const f of ["sweep.csv", "sweep.json"]) expect(readFileSync(join(out2, f), "utf8")).toBe(readFileSync(join(out1, f), "utf8"));
    expect(r2.out.replaceAll(out2, "OUT")).toBe(r1.out.replaceAll(out1, "OUT"));
  }, 300_000);

  it("every row equals a separate `algo backtest --set ...` run's metrics", () => {
    for (const row of [doc.rows[0]!, doc.rows[doc.rows.length - 1]!, doc.rows.find((x) => x.index === 2)!]) {
      const sets = Object.entries(row.params).flatMap(([k, v]) => ["--set", `${k}=${String(v)}`]);
      const r = algo(["backtest", STRATEGY, "--data", DATA, ...sets, "--json", "--no-html", "--out", join(dir, `bt${row.index}`)]);
      expect(r.code, r.err).toBe(0);
      const bt = JSON.parse(r.out);
      expect(row.metrics).toEqual(bt.metrics);
      expect(row.refusals).toEqual(bt.refusals);
      expect(row.eventsProcessed).toBe(bt.eventsProcessed);
      expect(row.halted).toBe(bt.halted);
    }
  }, 300_000);

  it("--json prints the sweep.json document; --sort and --top choose the rows shown", () => {
    const r = algo(["sweep", STRATEGY, "--data", DATA, ...GRID, "--json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual(doc);
    const t = algo(["sweep", STRATEGY, "--data", DATA, ...GRID, "--sort", "maxDrawdown", "--top", "2"]);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toContain("Top 2 of 6 by maxDrawdown (lower is better):");
    const best = [...doc.rows].sort((a, b) => a.metrics.maxDrawdown! - b.metrics.maxDrawdown! || a.index - b.index)[0]!;
    const firstRow = t.out.split("\n").find((l) => /^\s+1\s/.test(l))!;
    expect(firstRow.trim().split(/\s+/).slice(1, 3)).toEqual([String(best.params.threshold), String(best.params.size)]);
    expect(t.out).not.toContain("Results:");
  }, 300_000);
});

describe.skipIf(!built)("algo sweep: an --out that cannot be written", () => {
  it("is one line and exit 2", () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const r = algo(["sweep", STRATEGY, "--data", DATA, "--grid", "size=1", "--out", file]);
    expect(r.code).toBe(2);
    // Refused before any run starts (the folder is checked first), the file left as it was.
    expect(r.err.trim()).toBe(`algo: ${file}: is a file, not a folder; --out names the folder the outputs are written to`);
    expect(readFileSync(file, "utf8")).toBe("x");
  }, 300_000);
});

describe.skipIf(!built)("algo sweep: Ctrl-C", () => {
  it("stops, writes the finished rows marked partial, exits 130", async () => {
    const PLANNED = 851 * 5;
    const out = join(dir, "int");
    const child = spawn(process.execPath, [ALGO, "sweep", STRATEGY, "--data", DATA, "--grid", "threshold=0.05..0.9:0.001", "--grid", "size=1..5", "--max-runs", "5000", "--workers", "1", "--out", out], {
      cwd: EXAMPLES,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    // 4,255 runs of the example day take minutes even on a fast machine (344 once took 7 s); the
    // command catches Ctrl-C from its start.
    const early = await Promise.race([exited.then((c) => ({ code: c })), new Promise<undefined>((r) => setTimeout(() => r(undefined), 8000))]);
    expect(early, `the sweep ended before Ctrl-C: ${stderr}`).toBeUndefined();
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain("algo: interrupted — stopping the runs in progress and writing the finished ones");
    expect(stderr).not.toContain("    at ");
    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"));
    expect(doc.partial).toBe(true);
    expect(doc.runs.planned).toBe(PLANNED);
    expect(doc.runs.finished).toBe(doc.rows.length);
    expect(doc.rows.length).toBeLessThan(PLANNED);
    expect(doc.partialReason).toBe(`interrupted (Ctrl-C): ${doc.rows.length} of ${PLANNED} runs finished; the others are not in the rows`);
    // Only whole runs are kept: each replayed all the data.
    for (const row of doc.rows as Row[]) expect(row.eventsProcessed).toBe(DATA_EVENTS);
    expect(stdout).toContain(`PARTIAL: interrupted (Ctrl-C): ${doc.rows.length} of ${PLANNED} runs finished`);
    expect(readFileSync(join(out, "sweep.csv"), "utf8").trimEnd().split("\n").length).toBe(doc.rows.length + 1);
  }, 300_000);
});
