/**
 * `queue.model = "l3"` means exact queue positions from order ids: accepted on MBO data, refused
 * with one line (the file, what it holds, where the setting came from) on data without order ids.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");
const STRATEGY = join(REPO_ROOT, "examples/imbalance_maker.algo");
const MBO = join(REPO_ROOT, "examples/data/esz4-synthetic.mbo.dbn");
const dir = mkdtempSync(join(tmpdir(), "algo-queue-l3-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(args: string[]): { code: number; out: string; err: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ALGO_")));
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", cwd: dir, env, maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('queue.model = "l3"', () => {
  const csv = join(dir, "trades.csv");
  writeFileSync(csv, "timestamp,price,size,side\n2024-11-04T14:30:00Z,5800.25,5,B\n2024-11-04T14:30:01Z,5800.50,2,S\n");
  const dbn = join(dir, "trades.dbn");

  it("runs on MBO data and states the exact queue", () => {
    const out = join(dir, "out-mbo");
    const r = algo(["backtest", STRATEGY, "--data", MBO, "--out", out, "--set", "queue.model=l3", "--json"]);
    expect(r.code, r.err).toBe(0);
    const report = readFileSync(join(out, "report.json"), "utf8");
    expect(report).toMatch(/exact from order ids \(L3\/MBO data: ESZ4\)/);
  });

  it("is refused on DBN trades, naming the file, its schema and the flag", () => {
    expect(algo(["data", "convert", csv, "-o", dbn, "--symbol", "ESZ4"]).code).toBe(0);
    const out = join(dir, "out-dbn");
    const r = algo(["backtest", STRATEGY, "--data", dbn, "--out", out, "--set", "queue.model=l3"]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `algo: ${dbn}: queue.model = "l3" (--set queue.model=l3) needs market-by-order data with order ids, and this file has DBN trades records; use pro-rata, worst or best for level-2 data`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("is refused on CSV data, naming the config file line that asked for it", () => {
    writeFileSync(join(dir, "run.toml"), `[queue]\nmodel = "l3"\n`);
    const r = algo(["backtest", STRATEGY, "--data", csv, "--config", "run.toml", "--out", join(dir, "out-csv")]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `algo: ${csv}: queue.model = "l3" (run.toml:2) needs market-by-order data with order ids, and this file has CSV trades or bars; use pro-rata, worst or best for level-2 data`,
    );
  });
});
