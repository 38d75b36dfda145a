/**
 * Output files: exact CSV contents for the hand scenario, report.json validated against the shipped
 * schema (a broken report is rejected before anything is written), atomic writes (a failure
 * mid-write leaves the previous file and no temporary file), and an output directory whose other
 * files are left alone.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../runtime/analytics/atomic.js";
import { ReportValidationError, reportProblems, writeBacktestOutputs } from "../../runtime/analytics/write.js";
import { handScenario, runScript, testInstrument } from "./scenario.js";

function hand() {
  return runScript(
    handScenario(),
    { instruments: [testInstrument(0, "TEST,1")], initialCapital: 10_000, sampleIntervalNs: 1000, recordSeries: ["signal"], refusalReasons: ["max_position"] },
    3500,
  );
}

describe("output files", () => {
  it("writes every file into a new directory and keeps other files", () => {
    const root = mkdtempSync(join(tmpdir(), "algo-write-"));
    const out = join(root, "a", "b");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "keep.txt"), "mine");
    const { rec, report } = hand();
    const files = writeBacktestOutputs(out, rec, report);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(["report.json", "fills.csv", "trades.csv", "equity.csv", "records.csv", "report.html"]);
    expect(readFileSync(join(out, "keep.txt"), "utf8")).toBe("mine");
    expect(readdirSync(out).sort()).toEqual(["equity.csv", "fills.csv", "keep.txt", "records.csv", "report.html", "report.json", "trades.csv"]);
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(reportProblems(json)).toEqual([]);
    expect(json.metrics.netPnl).toBeCloseTo(3.9, 9);
    expect(json.files).toEqual(["report.json", "report.html", "equity.csv", "trades.csv", "fills.csv", "records.csv"]);
  });

  it("report.json states sampling.annualization, and the schema requires it", () => {
    const { report } = hand();
    // 4 periods of 1us: far too short for any annualised metric.
    expect(report.sampling.annualization).toEqual({ spanNs: 4000, ratios: false, returns: false });
    expect(reportProblems(JSON.parse(JSON.stringify(report)))).toEqual([]);
    const missing = JSON.parse(JSON.stringify(report));
    delete missing.sampling.annualization;
    expect(reportProblems(missing)).toContain("/sampling: must have required property 'annualization'");
    const bad = JSON.parse(JSON.stringify(report));
    bad.sampling.annualization.ratios = "no";
    expect(reportProblems(bad)).toContain("/sampling/annualization/ratios: must be boolean");
  });

  it("CSV contents match the hand ledger (ts_ns: ns since the Unix epoch, exact)", () => {
    const out = mkdtempSync(join(tmpdir(), "algo-write-"));
    const { rec, report } = hand();
    writeBacktestOutputs(out, rec, report, { html: false });
    expect(existsSync(join(out, "report.html"))).toBe(false);
    expect(readFileSync(join(out, "trades.csv"), "utf8")).toBe(
      "trade,symbol,direction,entry_time,exit_time,duration_ns,entry_qty,max_position,avg_entry,avg_exit,gross_pnl,fees,net_pnl,mae,mfe,fills,warmup\n" +
        '1,"TEST,1",long,2023-11-14T22:13:20.000000100Z,2023-11-14T22:13:20.000002500Z,2400,2,2,100,100.75,3,2.5,0.5,-4,4,3,0\n' +
        '2,"TEST,1",short,2023-11-14T22:13:20.000002500Z,2023-11-14T22:13:20.000003300Z,800,2,2,102,101,4,0.6,3.4,0,4,2,0\n',
    );
    expect(readFileSync(join(out, "fills.csv"), "utf8")).toBe(
      "time,ts_ns,symbol,side,price,qty,fee,liquidity,order_ref,queue_time_ns,position_after,warmup\n" +
        '2023-11-14T22:13:20.000000100Z,1700000000000000100,"TEST,1",buy,100,2,1,taker,1,,2,0\n' +
        '2023-11-14T22:13:20.000001500Z,1700000000000001500,"TEST,1",sell,99.5,1,1,taker,2,,1,0\n' +
        '2023-11-14T22:13:20.000002500Z,1700000000000002500,"TEST,1",sell,102,3,1.5,taker,3,,-2,0\n' +
        '2023-11-14T22:13:20.000003300Z,1700000000000003300,"TEST,1",buy,101,2,-0.4,maker,7,700,0,0\n',
    );
    expect(readFileSync(join(out, "equity.csv"), "utf8")).toBe(
      'time,ts_ns,equity,drawdown,drawdown_pct,exposure,"position_TEST,1","price_TEST,1"\n' +
        "2023-11-14T22:13:20.000000000Z,1700000000000000000,10000,0,0,0,0,\n" +
        "2023-11-14T22:13:20.000001000Z,1700000000000001000,10003,0,0,404,2,101\n" +
        `2023-11-14T22:13:20.000002000Z,1700000000000002000,9995,8,${Number(((8 / 10003) * 100).toPrecision(15))},198,1,99\n` +
        `2023-11-14T22:13:20.000003000Z,1700000000000003000,9999.5,3.5,${Number(((3.5 / 10003) * 100).toPrecision(15))},408,-2,102\n` +
        "2023-11-14T22:13:20.000003500Z,1700000000000003500,10003.9,0,0,0,0,102\n",
    );
    expect(readFileSync(join(out, "records.csv"), "utf8")).toBe(
      "time,ts_ns,series,value\n2023-11-14T22:13:20.000002700Z,1700000000000002700,signal,1.5\n2023-11-14T22:13:20.000003450Z,1700000000000003450,signal,-0.5\n",
    );
  });

  it("a broken report is rejected before anything is written", () => {
    const out = join(mkdtempSync(join(tmpdir(), "algo-write-")), "never");
    const { rec, report } = hand();
    const broken = structuredClone(report) as unknown as { metrics: Record<string, unknown> };
    delete broken.metrics.sharpe;
    broken.metrics.roundTrips = "two";
    expect(() => writeBacktestOutputs(out, rec, broken as never)).toThrow(ReportValidationError);
    expect(existsSync(out)).toBe(false);
    const problems = reportProblems(broken);
    expect(problems).toContain("/metrics: must have required property 'sharpe'");
    expect(problems).toContain("/metrics/roundTrips: must be integer");
    // NaN becomes null in JSON, which a non-nullable metric refuses.
    const nan = structuredClone(report);
    nan.metrics.maxDrawdown = Number.NaN;
    expect(() => writeBacktestOutputs(out, rec, nan)).toThrow(/\/metrics\/maxDrawdown: must be number/);
    const extra = structuredClone(report) as unknown as Record<string, unknown>;
    extra.surprise = 1;
    expect(reportProblems(extra)).toEqual(["/: must NOT have additional properties 'surprise'"]);
  });
});

describe("atomic writes", () => {
  it("a failure mid-write leaves the previous file intact and no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "algo-atomic-"));
    const target = join(dir, "equity.csv");
    writeFileAtomic(target, "old contents\n");
    function* failing(): Generator<string> {
      yield "new header\n";
      yield "row 1\n";
      throw new Error("disk on fire");
    }
    expect(() => writeFileAtomic(target, failing())).toThrow("disk on fire");
    expect(readFileSync(target, "utf8")).toBe("old contents\n");
    expect(readdirSync(dir)).toEqual(["equity.csv"]);
    writeFileAtomic(target, ["a", "b\n"]);
    expect(readFileSync(target, "utf8")).toBe("ab\n");
  });

  it("a target that cannot be replaced leaves no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "algo-atomic-"));
    mkdirSync(join(dir, "report.json"));
    mkdirSync(join(dir, "report.json", "inside"));
    expect(() => writeFileAtomic(join(dir, "report.json"), "{}")).toThrow();
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });
});

describe("determinism", () => {
  it("the same run gives byte-identical files", async () => {
    const { syntheticRun } = await import("../report/synthetic.js");
    const a = mkdtempSync(join(tmpdir(), "algo-det-"));
    const b = mkdtempSync(join(tmpdir(), "algo-det-"));
    const r1 = syntheticRun({ steps: 4000 });
    const r2 = syntheticRun({ steps: 4000 });
    writeBacktestOutputs(a, r1.rec, r1.report);
    writeBacktestOutputs(b, r2.rec, r2.report);
    for (const f of ["report.json", "fills.csv", "trades.csv", "equity.csv", "records.csv", "report.html"]) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    expect(r1.report.metrics.roundTrips).toBeGreaterThan(10);
  });
});
