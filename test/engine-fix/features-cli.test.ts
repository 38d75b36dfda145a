// `algo features`: a symbol bound with --instrument must be in the data (as in algo backtest), and
// rows are written only after complete exchange events (the LOBSTER seed is one event).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedData } from "../support/shared-data.js";

const ALGO = new URL("../../bin/algo.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "algo-engfix-features-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(...args: string[]) {
  const r = spawnSync(process.execPath, [ALGO, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const UNIT = `features EV(inst: instrument) {
  mid = book.mid(inst)
  spread = book.spread(inst)
  export mid, spread
}
`;

describe("algo features", () => {
  writeFileSync(join(dir, "ev.algo"), UNIT);
  const mbo = sharedData("dbn/test_data.mbo.v3.dbn.zst");
  it.skipIf(mbo === undefined)("--instrument NAME=SYMBOL with a symbol not in the data is an error naming what the data has", () => {
    const bad = algo("features", "ev.algo", "--data", mbo!, "--instrument", "inst=FOO", "--out", "bad.csv");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('instrument "FOO"');
    expect(bad.stderr).toContain("the data has: ESH1");
    expect(bad.stderr).not.toContain("    at ");
    const good = algo("features", "ev.algo", "--data", mbo!, "--instrument", "inst=ESH1", "--out", "good.csv");
    expect(good.code).toBe(0);
  });

  const goog = sharedData("lobster/GOOG_2012-06-21_10/GOOG_2012-06-21_34200000_57600000_message_10.csv");
  it.skipIf(goog === undefined)("LOBSTER: no row shows a half-seeded book (mid and spread defined on every row)", () => {
    const r = algo("features", "ev.algo", "--data", goog!, "--to", "2012-06-21T13:31:00Z", "--out", "g.csv");
    expect(r.code).toBe(0);
    const rows = readFileSync(join(dir, "g.csv"), "utf8").trim().split("\n").slice(1);
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      const [, , mid, spread] = row.split(",");
      expect(mid).not.toBe("");
      expect(Number(spread)).toBeGreaterThan(0);
    }
  });
});
