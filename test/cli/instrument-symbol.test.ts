/**
 * `instruments.<NAME>.symbol` binds the strategy's instrument to another data symbol (a contract
 * roll without editing the strategy); the table's tick size and fees then apply to that instrument.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");
const STRATEGY = join(REPO_ROOT, "examples/imbalance_maker.algo"); // instrument es = "ESZ4"
const dir = mkdtempSync(join(tmpdir(), "algo-instrument-symbol-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(args: string[]): { code: number; out: string; err: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ALGO_")));
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", cwd: dir, env, maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe("instruments.<NAME>.symbol", () => {
  const data = join(dir, "two.dbn");

  it("binds the strategy's ESZ4 to the data's ESH5, with that table's fees, and no binding note", () => {
    const g = algo(["data", "synth", "--events", "60000", "--seed", "5", "--symbol", "ESH5", "-o", data]);
    expect(g.code, g.err).toBe(0);
    writeFileSync(join(dir, "roll.toml"), `[instruments.ESZ4]\nsymbol = "ESH5"\nfees = { maker = 0.5, taker = 1.25, unit = "per_contract" }\n`);
    const out = join(dir, "out");
    const r = algo(["backtest", STRATEGY, "--data", data, "--config", "roll.toml", "--out", out, "--json"]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { assumptions: { fees: string; notes: string[] } };
    expect(report.assumptions.fees).toMatch(/^ESH5: .*0\.5.*1\.25/);
    expect(report.assumptions.notes.join("\n")).not.toMatch(/is not in the data/);
  });

  it("a symbol the data lacks is one clear error", () => {
    writeFileSync(join(dir, "bad.toml"), `[instruments.ESZ4]\nsymbol = "NQH5"\n`);
    const r = algo(["backtest", STRATEGY, "--data", data, "--config", "bad.toml", "--out", join(dir, "out-bad")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/instrument "NQH5" \(declared by the strategy as "ESZ4"\) is not in the data; the data has: ESH5/);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  it("an empty symbol is refused by the schema, naming the key", () => {
    writeFileSync(join(dir, "empty.toml"), `[instruments.ESZ4]\nsymbol = ""\n`);
    const r = algo(["backtest", STRATEGY, "--data", data, "--config", "empty.toml", "--out", join(dir, "out-empty")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/instruments\.ESZ4\.symbol/);
  });
});
