/**
 * `algo backtest` as a user runs it (spawns `node bin/algo.js`; the build runs before `npm test`):
 * the hand-written market maker on synthetic DBN data writes every output and prints the summary;
 * `--json` prints metrics; bad strategy files and missing instruments give one clear line and exit 2;
 * the real ES MBO file from the shared data runs end to end when present.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, sharedData } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");
const MM = join(REPO_ROOT, "examples/strategies-ts/market-maker.ts");
const dir = mkdtempSync(join(tmpdir(), "algo-backtest-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", maxBuffer: 1 << 26, cwd: dir, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const data = join(dir, "synth.dbn");

describe("algo backtest", () => {
  it("generates data, runs the market maker, writes every output and prints the summary", () => {
    const g = algo(["data", "synth", "--events", "40000", "--seed", "11", "-o", data]);
    expect(g.code).toBe(0);
    const out = join(dir, "out");
    const r = algo(["backtest", MM, "--data", data, "--out", out, "--set", "size=1", "--set", "latency.order_entry=50us"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Round trips");
    expect(r.out).toContain("order entry 50us fixed");
    for (const f of ["report.json", "report.html", "trades.csv", "equity.csv", "fills.csv"]) expect(existsSync(join(out, f))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.run.partial).toBe(false);
    expect(report.run.eventsProcessed).toBeGreaterThan(40000);
    expect(report.metrics.fills).toBeGreaterThan(0);
    expect(report.assumptions.queueModel).toContain("exact from order ids");
    // Same inputs → same report (but for wall time).
    const out2 = join(dir, "out2");
    expect(algo(["backtest", MM, "--data", data, "--out", out2, "--set", "size=1", "--set", "latency.order_entry=50us"]).code).toBe(0);
    const strip = (p: string) => {
      const j = JSON.parse(readFileSync(join(p, "report.json"), "utf8"));
      j.run.wallSeconds = 0;
      j.run.eventsPerSecond = 0;
      return JSON.stringify(j);
    };
    expect(strip(out2)).toBe(strip(out));
    expect(readFileSync(join(out2, "fills.csv"), "utf8")).toBe(readFileSync(join(out, "fills.csv"), "utf8"));
  }, 300_000);

  it("--json prints the metrics as JSON", () => {
    const r = algo(["backtest", MM, "--data", data, "--out", join(dir, "out3"), "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(JSON.stringify(j)).toContain("netPnl");
  }, 300_000);

  it("bad input: a module without a strategy, a missing instrument, a missing data file", () => {
    const bad = join(dir, "bad.ts");
    writeFileSync(bad, "export const x = 1;\n");
    let r = algo(["backtest", bad, "--data", data, "--out", join(dir, "o4")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.ts: the module must default-export a strategy class or a factory/);
    const wrong = join(dir, "wrong.ts");
    writeFileSync(wrong, 'export default class { instruments = ["ESZ4", "NQZ4"]; }\n');
    r = algo(["backtest", wrong, "--data", data, "--out", join(dir, "o5")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/instrument "ESZ4".*not in the data; the data has: SYNTH/);
    r = algo(["backtest", MM, "--data", join(dir, "nope.dbn"), "--out", join(dir, "o6")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("nope.dbn: no such data file");
    const syntax = join(dir, "syntax.ts");
    writeFileSync(syntax, "export default class {\n  instruments = [;\n}\n");
    r = algo(["backtest", syntax, "--data", data, "--out", join(dir, "o7")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/syntax\.ts:2:\d+: /);
    expect(r.err).not.toContain("    at ");
  }, 300_000);

  it("an .algo strategy goes through the compiler, or fails with one clear line (never a crash)", () => {
    const f = join(dir, "s.algo");
    writeFileSync(f, 'strategy S "x"\ninstrument es = "SYNTH"\non book(es) { }\n');
    const r = algo(["backtest", f, "--data", data, "--out", join(dir, "o8")]);
    expect([0, 1, 2]).toContain(r.code);
    if (r.code !== 0) {
      expect(r.err.trim().split("\n").length).toBeLessThanOrEqual(20);
      expect(r.err).not.toContain("internal error");
    }
  }, 300_000);
});

const es = sharedData("dbn/nautilus_trader/esh4-glbx-mdp3-20231225.mbo.dbn.zst");
describe.skipIf(es === undefined)("algo backtest on real CME ES MBO data", () => {
  it("runs the market maker on the ES file and states the data's assumptions", () => {
    const out = join(dir, "es");
    const r = algo(["backtest", MM, "--data", es!, "--out", out, "--set", "latency.order_entry=200us", "--set", "latency.response=200us"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.instruments.length).toBeGreaterThan(0);
    expect(report.run.eventsProcessed).toBeGreaterThan(60000);
  }, 300_000);
  it("a strategy instrument missing from single-instrument data is bound to it with a note the summary prints", () => {
    const r = algo(["backtest", join(REPO_ROOT, "examples/ema_cross.algo"), "--data", join(REPO_ROOT, "examples/data/esz4-synthetic.mbo.dbn"), "--out", join(dir, "ema")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("\n  Notes:\n");
    expect(r.out).toContain('strategy instrument "NQZ4" is not in the data; bound to the data\'s only instrument "ESZ4"');
    expect(r.out).toContain("max_order_rate 10 per 1s");
    expect(r.out).not.toMatch(/per \d+ns/);
  });
});
