/**
 * `algo build` and `algo features` as a user runs them: real processes, real files. The three
 * feature formats are read back with their own libraries (apache-arrow, hyparquet) and must carry
 * the same values as the CSV; bad requests fail with one clear line and exit 2; programs with errors
 * exit 1 with rendered diagnostics.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../check/golden-support.js";

const BIN = join(REPO, "bin/algo.js");
let dir = "";

function algo(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "algo-cli-"));
  const r = algo("data", "synth", "--events", "20000", "--seed", "5", "--symbol", "ESZ4", "-o", "day.dbn");
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("algo features", () => {
  it("writes CSV, Arrow and Parquet with the same rows and values", () => {
    const micro = join(REPO, "examples/micro.algo");
    for (const out of ["f.csv", "f.arrow", "f.parquet"]) {
      const r = algo("features", micro, "--data", "day.dbn", "--out", out, "--set", "window=50");
      expect(r.err).toMatch(/wrote \d+ row\(s\) × 7 feature\(s\)/);
      expect(r.code).toBe(0);
    }
    const lines = readFileSync(join(dir, "f.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("ts,ts_ns,mid,spread,imb,ofi,cvd,vol1m,z");
    const rows = lines.slice(1).map((l) => l.split(","));
    const arrow = tableFromIPC(readFileSync(join(dir, "f.arrow")));
    expect(arrow.numRows).toBe(rows.length);
    const buf = readFileSync(join(dir, "f.parquet"));
    return parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer }).then((pq) => {
      expect(pq.length).toBe(rows.length);
      const names = ["mid", "spread", "imb", "ofi", "cvd", "vol1m", "z"];
      // The same column names in every format: the time as `ts_ns` (CSV adds the ISO `ts`).
      expect(arrow.schema.fields.map((f) => f.name)).toEqual(["ts_ns", ...names]);
      expect(Object.keys(pq[0]!)).toEqual(["ts_ns", ...names]);
      for (const i of [0, 1, Math.floor(rows.length / 2), rows.length - 1]) {
        const row = rows[i]!;
        expect(String(pq[i]!.ts_ns)).toBe(row[1]);
        // Arrow JS reads a nanosecond timestamp back as fractional milliseconds.
        expect(Math.floor(Number(arrow.getChild("ts_ns")!.get(i)))).toBe(Number(BigInt(row[1]!) / 1_000_000n));
        names.forEach((n, c) => {
          const csv = row[c + 2] === "" ? NaN : Number(row[c + 2]);
          expect(pq[i]![n]).toEqual(csv);
          expect(arrow.getChild(n)!.get(i)).toEqual(csv);
        });
      }
    });
  });

  it("bar features of bar data are rows at each bar's close, not its open (no look-ahead)", () => {
    writeFileSync(join(dir, "bars.csv"), "ts,symbol,open,high,low,close,volume\n2024-01-02T14:30:00Z,ESZ4,1,2,0.5,1.5,10\n2024-01-02T14:31:00Z,ESZ4,1.5,2,1,1,5\n");
    writeFileSync(join(dir, "bars.algo"), "features B(inst: instrument) {\n  c = bar.close(inst)\n  export c\n}\n");
    const r = algo("features", "bars.algo", "--data", "bars.csv", "--out", "bars-out.csv");
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "bars-out.csv"), "utf8")).toBe(
      "ts,ts_ns,c\n2024-01-02T14:31:00.000000000Z,1704205860000000000,1.5\n2024-01-02T14:32:00.000000000Z,1704205920000000000,1\n",
    );
  });

  it("samples on a clock with --every", () => {
    const r = algo("features", join(REPO, "examples/micro.algo"), "--data", "day.dbn", "--out", "s.csv", "--every", "100ms");
    expect(r.code).toBe(0);
    const ts = readFileSync(join(dir, "s.csv"), "utf8").trim().split("\n").slice(1).map((l) => BigInt(l.split(",")[1]!));
    expect(ts.length).toBeGreaterThan(2);
    for (const t of ts) expect(t % 100_000_000n).toBe(0n);
  });

  it("refuses bad requests with one line and exit 2, writing nothing", () => {
    const micro = join(REPO, "examples/micro.algo");
    const cases: Array<[string[], RegExp]> = [
      [["--data", "day.dbn", "--out", "x.txt"], /expected a file ending in \.csv, \.arrow or \.parquet/],
      [["--data", "missing.dbn", "--out", "x.csv"], /missing\.dbn/],
      [["--data", "day.dbn", "--out", "x.csv", "--set", "nope=3"], /unknown param `nope`/],
      [["--data", "day.dbn", "--out", "x.csv", "--every", "fast"], /--every fast: expected a positive duration/],
    ];
    for (const [args, msg] of cases) {
      const r = algo("features", micro, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/at .*\.js:\d+/);
    }
    expect(existsSync(join(dir, "x.csv"))).toBe(false);
  });
});

describe("algo build", () => {
  it("writes TypeScript, JavaScript and a source map, and prints the graph", () => {
    const r = algo("build", join(REPO, "examples/imbalance_maker.algo"), "-o", "out", "--graph");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^feature graph: \d+ operator node\(s\)/);
    const js = readFileSync(join(dir, "out/imbalance_maker.js"), "utf8");
    expect(js).toMatch(/sourceMappingURL=imbalance_maker\.js\.map/);
    const map = JSON.parse(readFileSync(join(dir, "out/imbalance_maker.js.map"), "utf8")) as { sources: string[] };
    // The strategy maps to its .algo file; the bundled stdlib operators are named from the package.
    expect(map.sources).toContain("imbalance_maker.algo");
    expect(map.sources.every((s) => s === "imbalance_maker.algo" || s.startsWith("algolang/"))).toBe(true);
    expect(readFileSync(join(dir, "out/imbalance_maker.ts"), "utf8")).toMatch(/export default class ImbalanceMaker implements Strategy/);
    const dot = algo("build", join(REPO, "examples/imbalance_maker.algo"), "--graph", "dot");
    expect(dot.out).toMatch(/^digraph features \{/);
  });

  it("prints a feature unit's graph", () => {
    const r = algo("build", join(REPO, "examples/micro.algo"), "--graph");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^feature graph: \d+ operator node\(s\), 7 feature\(s\)/);
    expect(r.out).toMatch(/book\.mid\(inst\)/);
    expect(r.out).toMatch(/feature z = #\d+/);
  });

  it("gives an imported unit's operators the warm-up of the arguments bound to it, not the unit's defaults", () => {
    writeFileSync(join(dir, "shape.algo"), `features Shape(inst: instrument, n: int = 50) {
  mid = book.mid(inst)
  smid = sma(mid, n)
  export mid, smid
}
`);
    const strategy = (bind: string) => `strategy U
import Shape from "./shape.algo"
instrument es = "ESZ4"
param w: int = 100 in [20, 400]
features {
  s = Shape(es${bind})
}
on book(es) when ready(s.smid) { record("m", s.smid) }
`;
    const warmOf = (bind: string): string | undefined => {
      writeFileSync(join(dir, "uses-shape.algo"), strategy(bind));
      const r = algo("build", "uses-shape.algo", "--graph");
      expect(r.code).toBe(0);
      return /sma\(#\d+, \w+\) warmup=(\d+)/.exec(r.out)?.[1];
    };
    // The checker alone knows `n` by its default (50); each instance binds its own value.
    expect(warmOf("")).toBe("50");
    expect(warmOf(", n: 200")).toBe("200");
    // A param bound to it: the worst case of its declared range, as for a param used directly.
    expect(warmOf(", n: w")).toBe("400");
  });

  it("exits 1 with the risk errors of an unsafe strategy and writes nothing", () => {
    const src = readFileSync(join(REPO, "test/fixtures/risk/unsafe/no-guard.algo"), "utf8");
    writeFileSync(join(dir, "unsafe.algo"), src);
    const r = algo("build", "unsafe.algo", "-o", "bad");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[R0403\]/);
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });
});
