/**
 * `algo book` as a user runs it (spawns `node bin/algo.js`; the build runs before `npm test`):
 * `--format lobster` output is byte-identical to LOBSTER's own orderbook file for whole real days,
 * `| head` ends quietly, `--stats` reports events and anomalies, csv/json rows are well-formed,
 * and bad input gives one clear error line and exit code 2.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, sharedData } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");

function algo(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const goog5 = sharedData("lobster/GOOG_2012-06-21_5/GOOG_2012-06-21_34200000_57600000_message_5.csv.gz");
const aapl1 = sharedData("lobster/AAPL_2012-06-21_1/AAPL_2012-06-21_34200000_57600000_message_1.csv");

describe.skipIf(goog5 === undefined || aapl1 === undefined)("algo book on real LOBSTER days", () => {
  it("--format lobster equals the LOBSTER orderbook file line by line (GOOG level 5, .csv.gz)", () => {
    const r = algo(["book", goog5!, "--format", "lobster"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const want = gunzipSync(readFileSync(goog5!.replace("message_5", "orderbook_5"))).toString("utf8");
    const got = r.out.split("\n");
    const exp = want.split("\n");
    expect(got.length).toBe(exp.length);
    let firstDiff = -1;
    for (let i = 0; i < exp.length && firstDiff < 0; i++) if (got[i] !== exp[i]) firstDiff = i;
    expect(firstDiff).toBe(-1);
  });

  it("--format lobster equals the orderbook file (AAPL level 1) and --lobster-book names it explicitly", () => {
    const book = aapl1!.replace("message_1", "orderbook_1");
    const r = algo(["book", aapl1!, "--format", "lobster", "--lobster-book", book]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(book, "utf8"));
  });

  it("ends quietly when the reader of stdout goes away (| head)", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${ALGO}" book "${aapl1}" --format lobster | head -3`], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(readFileSync(aapl1!.replace("message_1", "orderbook_1"), "utf8").split("\n").slice(0, 3).join("\n") + "\n");
  });

  it("--stats prints events, time, speed, garbage collections and anomalies", () => {
    const r = algo(["book", goog5!, "--stats"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^events: 112673\nseconds: \d+\.\d{3}\nevents\/s: \d+\ngc: \d+\n/);
    expect(r.out).toContain("rows differing from the orderbook file 0");
    expect(r.out).toContain("anomalies: none");
  });

  it("csv and json rows: header, absolute UTC ns times, prices in dollars", () => {
    const csv = spawnSync("sh", ["-c", `"${process.execPath}" "${ALGO}" book "${aapl1}" --levels 2 | head -2`], { encoding: "utf8" });
    const [header, first] = csv.stdout.trim().split("\n");
    // A level-1 day has one level per side: --levels 2 prints that one, with a note.
    expect(csv.stderr).toBe("note: --levels 2: the LOBSTER data (level-1 files) has 1 level per side; printing 1\n");
    expect(header).toBe("ts,symbol,bid_px_1,bid_sz_1,bid_ct_1,ask_px_1,ask_sz_1,ask_ct_1");
    // Message 1 at 34200.004241176 s after midnight EDT on 2012-06-21 = 13:30:00.004241176 UTC.
    expect(first.startsWith(`${BigInt(Date.UTC(2012, 5, 21, 13, 30)) * 1_000_000n + 4_241_176n},AAPL,585.33,18,`)).toBe(true);
    const json = spawnSync("sh", ["-c", `"${process.execPath}" "${ALGO}" book "${aapl1}" --format json | head -1`], { encoding: "utf8" });
    const row = JSON.parse(json.stdout);
    expect(row.ts).toBe(`${BigInt(Date.UTC(2012, 5, 21, 13, 30)) * 1_000_000n + 4_241_176n}`);
    expect(row.symbol).toBe("AAPL");
    expect(row.bids[0][0]).toBe(585.33);
    expect(row.asks[0][0]).toBe(585.94);
    expect(row.asks[0][1]).toBe(200);
  });

  it("--instrument that the file does not hold is an error", () => {
    const r = algo(["book", aapl1!, "--instrument", "MSFT"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^algo: --instrument MSFT: .* holds only AAPL\n$/);
  });
});

const es = sharedData("dbn/nautilus_trader/esh4-glbx-mdp3-20231224.mbo.dbn.zst");

describe.skipIf(es === undefined)("algo book on real CME MBO (DBN)", () => {
  it("--stats replays every record; --instrument selects by symbol; LOBSTER layout rescales 1e-9 to 1e-4", () => {
    const st = algo(["book", es!, "--stats", "--instrument", "ESH4"]);
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/^events: \d+\n/);
    expect(st.out).toContain("anomalies: none");
    const r = algo(["book", es!, "--format", "lobster", "--levels", "2"]);
    expect(r.code).toBe(0);
    const rows = r.out.trim().split("\n");
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) expect(row).toMatch(/^-?\d+,\d+,-?\d+,\d+,-?\d+,\d+,-?\d+,\d+$/);
    // ES trades near 4,800 dollars: 48,000,000 in LOBSTER's USD × 10000 convention.
    const last = rows[rows.length - 1].split(",").map(Number);
    expect(last[0]).toBeGreaterThan(40_000_000);
    expect(last[0]).toBeLessThan(60_000_000);
    expect(last[2]).toBeLessThan(last[0]);
    const bad = algo(["book", es!, "--stats", "--instrument", "NQH4"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--instrument NQH4: not in .* \(instruments: ESH4\)/);
  });
});

describe("algo book: bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "algo-book-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("missing file", () => {
    const r = algo(["book", join(dir, "NOPE_2012-01-03_34200000_57600000_message_1.csv")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^algo: .*NOPE_2012-01-03_34200000_57600000_message_1\.csv: cannot open \(no such file\)\n$/);
  });

  it("malformed LOBSTER row: file:line:column and what was expected", () => {
    const p = join(dir, "X_2012-01-03_34200000_57600000_message_1.csv");
    writeFileSync(p, "34200.1,1,5,10,1000000,1\n34200.2,1,6,ten,1000000,1\n");
    writeFileSync(join(dir, "X_2012-01-03_34200000_57600000_orderbook_1.csv"), "9999999999,0,1000000,10\n9999999999,0,1000000,10\n");
    const r = algo(["book", p, "--format", "lobster"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`algo: ${p}:2:13: expected size (an integer)\n`);
  });

  it("unknown data format, bad --levels, bad --format", () => {
    const p = join(dir, "notes.txt");
    writeFileSync(p, "hello\n");
    expect(algo(["book", p]).err).toMatch(/notes\.txt: unrecognised data format .*LOBSTER message files/);
    const q = join(dir, "Y_2012-01-03_34200000_57600000_message_1.csv");
    writeFileSync(q, "34200.1,1,5,10,1000000,1\n");
    const a = algo(["book", q, "--levels", "0"]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--levels: expected an integer from 1 to 1000/);
    expect(algo(["book", q, "--format", "xml"]).err).toMatch(/--format: expected lobster, csv or json/);
  });

  it("a LOBSTER file without its orderbook file is refused with a clear error (never an empty, wrong book)", () => {
    const p = join(dir, "Z_2012-01-03_34200000_57600000_message_1.csv");
    writeFileSync(p, "34200.1,1,5,10,1000000,1\n34200.2,1,6,7,1000100,-1\n34200.3,4,5,4,1000000,1\n");
    const r = algo(["book", p, "--format", "lobster"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      `algo: ${p}:1:1: expected its paired orderbook file Z_2012-01-03_34200000_57600000_orderbook_1.csv[.gz] in the same folder (or given explicitly, \`--lobster-book PATH\`): a LOBSTER day starts mid-state, so the book cannot be rebuilt from the messages alone\n`,
    );
  });

  it("LOBSTER time going backwards: file:line and both times", () => {
    const p = join(dir, "T_2012-01-03_34200000_57600000_message_1.csv");
    writeFileSync(p, "34200.1,1,5,10,1000000,1\n34200.05,1,6,7,1000100,-1\n");
    writeFileSync(join(dir, "T_2012-01-03_34200000_57600000_orderbook_1.csv"), "9999999999,0,1000000,10\n1000100,7,1000000,10\n");
    const r = algo(["book", p, "--format", "lobster"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^algo: .*T_2012-01-03_34200000_57600000_message_1\.csv:2:1: expected a time at or after the previous row's 34200\.100000000 s .*found 34200\.050000000 s, which goes backwards\n$/);
  });

  it("level-1 LOBSTER prints 1 level; --levels beyond the data prints what it has, with a note", () => {
    const p = join(dir, "L_2012-01-03_34200000_57600000_message_1.csv");
    writeFileSync(p, "34200.1,1,5,10,1000000,1\n34200.2,1,6,7,1000100,-1\n");
    writeFileSync(join(dir, "L_2012-01-03_34200000_57600000_orderbook_1.csv"), "9999999999,0,1000000,10\n1000100,7,1000000,10\n");
    const d = algo(["book", p, "--format", "lobster"]);
    expect(d.code).toBe(0);
    expect(d.err).toBe("");
    expect(d.out).toBe("9999999999,0,1000000,10\n1000100,7,1000000,10\n");
    const csv = algo(["book", p]);
    expect(csv.out.split("\n")[0]).toBe("ts,symbol,bid_px_1,bid_sz_1,bid_ct_1,ask_px_1,ask_sz_1,ask_ct_1");
    const r = algo(["book", p, "--format", "lobster", "--levels", "5"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(d.out);
    expect(r.err).toBe("note: --levels 5: the LOBSTER data (level-1 files) has 1 level per side; printing 1\n");
  });
});

const mbp1 = sharedData("dbn/test_data.mbp-1.v3.dbn.zst");

describe.skipIf(mbp1 === undefined)("algo book levels on DBN MBP-1", () => {
  it("prints the one level MBP-1 has by default; --levels 3 notes it", () => {
    const d = algo(["book", mbp1!]);
    expect(d.code, d.err).toBe(0);
    expect(d.out.split("\n")[0]).toBe("ts,symbol,bid_px_1,bid_sz_1,bid_ct_1,ask_px_1,ask_sz_1,ask_ct_1");
    const r = algo(["book", mbp1!, "--levels", "3"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(d.out);
    expect(r.err).toBe("note: --levels 3: the data (mbp-1 schema) has 1 level per side; printing 1\n");
  });
});
