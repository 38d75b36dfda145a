/**
 * A bad param value is reported where it was set — the config file and line, the ALGO_PARAMS_*
 * variable, or the --set flag — for `algo backtest` and `algo sweep`; nothing is written.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");
const STRATEGY = join(REPO_ROOT, "examples/imbalance_maker.algo");
const DATA = join(REPO_ROOT, "examples/data/esz4-synthetic.mbo.dbn");
const dir = mkdtempSync(join(tmpdir(), "algo-param-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ALGO_")));
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", cwd: dir, env: { ...clean, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const RANGE = "is outside its declared range [1, 5] (the risk proof covers only that range)";

describe("param errors name their source", () => {
  writeFileSync(join(dir, "run.toml"), `# run settings\nseed = 3\n\n[params]\nthreshold = 0.4\nsize = 9\n`);

  it("a config file value names the file and line", () => {
    const out = join(dir, "out-config");
    const r = algo(["backtest", STRATEGY, "--data", DATA, "--config", "run.toml", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`algo: run.toml:6: param \`size\` = 9 ${RANGE}`);
    expect(existsSync(out)).toBe(false);
  });

  it("an environment variable names the variable", () => {
    const r = algo(["backtest", STRATEGY, "--data", DATA, "--out", join(dir, "out-env")], { ALGO_PARAMS_SIZE: "7" });
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`algo: ALGO_PARAMS_SIZE: param \`size\` = 7 ${RANGE}`);
  });

  it("a --set flag names the flag, and every bad value is listed", () => {
    const r = algo(["backtest", STRATEGY, "--data", DATA, "--out", join(dir, "out-set"), "--set", "size=0", "--set", "nope=1"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toEqual([
      `algo: --set size=0: param \`size\` = 0 ${RANGE}`,
      "algo: --set nope=1: unknown param `nope` (the strategy declares: threshold, size, window)",
    ]);
  });

  it("the flag overrides the file, and the error follows the value that won", () => {
    const r = algo(["backtest", STRATEGY, "--data", DATA, "--config", "run.toml", "--out", join(dir, "out-both"), "--set", "size=6"]);
    expect(r.err.trim()).toBe(`algo: --set size=6: param \`size\` = 6 ${RANGE}`);
  });

  it("algo sweep's fixed params name their source too", () => {
    const r = algo(["sweep", STRATEGY, "--data", DATA, "--config", "run.toml", "--grid", "threshold=0.3,0.4"]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`algo: run.toml:6: param \`size\` = 9 ${RANGE}`);
  });
});

describe("a built strategy (.js from algo build) checks --set like its .algo", () => {
  const built = join(dir, "built");

  it("refuses an out-of-range value and an unknown name, and runs with a valid one", () => {
    const b = algo(["build", STRATEGY, "-o", built]);
    expect(b.code, b.err).toBe(0);
    const js = join(built, "imbalance_maker.js");
    const bad = algo(["backtest", js, "--data", DATA, "--out", join(dir, "out-js-bad"), "--set", "size=8", "--set", "nosuch=1"]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split("\n")).toEqual([
      `algo: --set size=8: param \`size\` = 8 ${RANGE}`,
      "algo: --set nosuch=1: unknown param `nosuch` (the strategy declares: threshold, size, window)",
    ]);
    expect(existsSync(join(dir, "out-js-bad"))).toBe(false);
    const ok = algo(["backtest", js, "--data", DATA, "--out", join(dir, "out-js-ok"), "--set", "size=3", "--json"]);
    expect(ok.code, ok.err).toBe(0);
  });
});
