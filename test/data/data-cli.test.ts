/**
 * `algo data info|convert|synth` as a user runs them (spawning `node bin/algo.js`; `npm run build`
 * runs before the tests): outputs, JSON, exit codes and one-line errors.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/events.js";
import { openDbn } from "../../runtime/data/dbn/reader.js";
import { openLobster } from "../../runtime/data/lobster/index.js";
import { REPO_ROOT, sharedData } from "../support/shared-data.js";

const bin = join(REPO_ROOT, "bin", "algo.js");
const built = existsSync(join(REPO_ROOT, "dist", "cli.js"));
const dir = mkdtempSync(join(tmpdir(), "algo-data-cli-"));

function algo(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe.skipIf(!built)("algo data", () => {
  it("synth writes a DBN file that info describes (JSON)", () => {
    const out = join(dir, "s.dbn");
    const s = algo("data", "synth", "--events", "20000", "--seed", "9", "--symbol", "ESZ4", "--start", "2024-03-01T14:30:00Z", "-o", out);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/wrote .*s\.dbn: 20000 events as \d+ DBN mbo records/);
    const i = algo("data", "info", out, "--json");
    expect(i.code, i.err).toBe(0);
    const info = JSON.parse(i.out);
    expect(info.format).toBe("dbn");
    expect(info.version).toBe(3);
    expect(info.schema).toBe("mbo");
    expect(info.dataset).toBe("ALGO.SYNTH");
    expect(info.symbols).toEqual([{ symbol: "ESZ4", instrumentId: 1, multiplier: 1 }]);
    expect(info.firstEvent.startsWith("2024-03-01T14:30:00.")).toBe(true);
    expect(info.records).toBe(info.recordsByType.mbo);
    expect(info.eventsByKind.add).toBeGreaterThan(1000);
    // deterministic: same seed → byte-identical event stream
    const again = join(dir, "s2.dbn");
    algo("data", "synth", "--events", "20000", "--seed", "9", "--symbol", "ESZ4", "--start", "2024-03-01T14:30:00Z", "-o", again);
    const a = openDbn(out);
    const b = openDbn(again);
    let n = 0;
    while (a.next()) {
      expect(b.next()).toBe(true);
      expect([b.event.kind, b.event.ts, b.event.price, b.event.orderIdLo]).toEqual([a.event.kind, a.event.ts, a.event.price, a.event.orderIdLo]);
      n++;
    }
    expect(b.next()).toBe(false);
    expect(n).toBe(info.records);
  });

  it("info warns about records of an unknown rtype (count, rtype, byte offset of the first)", () => {
    const f = sharedData("dbn/test_data.mbo.v3.dbn");
    if (!f) return;
    const b = new Uint8Array(readFileSync(f));
    const at = b.length - 112;
    b[at + 1] = 0x7e;
    const p = join(dir, "unk.dbn");
    writeFileSync(p, b);
    const r = algo("data", "info", p);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`warning: ${p}: 1 record of unknown rtype skipped (by length); the first has rtype 0x7e at byte ${at}`);
    const j = JSON.parse(algo("data", "info", p, "--json").out);
    expect(j.notes).toEqual([`${p}: 1 record of unknown rtype skipped (by length); the first has rtype 0x7e at byte ${at}`]);
    const clean = JSON.parse(algo("data", "info", f, "--json").out);
    expect(clean.notes).toEqual([]);
    const s = algo("book", p, "--stats");
    expect(s.code, s.err).toBe(0);
    expect(s.out).toContain(`warning: ${p}: 1 record of unknown rtype skipped`);
  });

  it("info prints a readable summary of a real DBN file", () => {
    const f = sharedData("dbn/test_data.mbo.v3.dbn");
    if (!f) return;
    const r = algo("data", "info", f);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/format\s+dbn v3/);
    expect(r.out).toMatch(/dataset\s+GLBX\.MDP3/);
    expect(r.out).toMatch(/time range\s+2020-12-28T13:00:00\.000429831Z \.\. 2020-12-28T13:00:00\.000431665Z/);
    expect(r.out).toMatch(/ESH1\s+id 5482/);
  });

  it("converts CSV trades to DBN trades, and a .zst target is refused (exit 2)", () => {
    const csv = join(dir, "t.csv");
    writeFileSync(csv, "timestamp,price,size,side\n2024-01-02T14:30:00Z,101.25,5,B\n2024-01-02T14:30:01.5Z,101.5,2,S\n");
    const out = join(dir, "t.dbn");
    const r = algo("data", "convert", csv, "-o", out, "--symbol", "XYZ");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/2 trades records/);
    const d = openDbn(out);
    const got: number[][] = [];
    while (d.next()) got.push([d.event.kind, d.event.ts, d.event.price, d.event.size, d.event.aggressor]);
    expect(got).toEqual([
      [EventKind.Trade, 14.5 * 3600e9, 101_250_000_000, 5, 1],
      [EventKind.Trade, 14.5 * 3600e9 + 1.5e9, 101_500_000_000, 2, -1],
    ]);
    expect(d.instruments[0].symbol).toBe("XYZ");
    const z = algo("data", "convert", csv, "-o", join(dir, "t.dbn.zst"));
    expect(z.code).toBe(2);
    expect(z.err).toMatch(/^algo: .*t\.dbn\.zst: writing zstd-compressed DBN is not supported/);
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("converts a LOBSTER day to self-contained DBN MBO (one F_LAST group per message)", () => {
    const msg = sharedData("lobster/GOOG_2012-06-21_1/GOOG_2012-06-21_34200000_57600000_message_1.csv");
    if (!msg) return;
    const out = join(dir, "goog.dbn");
    const r = algo("data", "convert", msg, "-o", out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/wrote .*goog\.dbn: \d+ mbo records/);
    const lob = openLobster(msg);
    const dbn = openDbn(out);
    expect(dbn.instruments.length).toBe(0);
    let groups = 0;
    let records = 0;
    let lastTs = -Infinity;
    while (dbn.next()) {
      records++;
      if (dbn.event.flags & 128) {
        expect(lob.next()).toBe(true);
        // times survive the conversion (LOBSTER's base is New York midnight, DBN's UTC midnight)
        expect(dbn.timeBase + BigInt(dbn.event.ts)).toBe(lob.timeBase + BigInt(lob.event.ts));
        groups++;
      }
      expect(dbn.event.ts).toBeGreaterThanOrEqual(lastTs);
      lastTs = dbn.event.ts;
    }
    expect(groups).toBe(49_482);
    expect(records).toBeGreaterThan(groups);
    expect(dbn.instruments[0].symbol).toBe("GOOG");
    expect(dbn.rtypeCounts[0xa0]).toBe(records);
  });

  it("fails with one line and exit 2 on unreadable or unknown input", () => {
    const missing = algo("data", "info", join(dir, "nope.dbn"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^algo: .*nope\.dbn: cannot open \(no such file\)\n$/);
    const junk = join(dir, "junk.bin");
    writeFileSync(junk, new Uint8Array([7, 7, 7, 7, 7]));
    const unknown = algo("data", "info", junk);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^algo: .*junk\.bin: unrecognised data format .* supported: DBN v1-v3/);
    const badSynth = algo("data", "synth", "--events", "ten", "-o", join(dir, "x.dbn"));
    expect(badSynth.code).toBe(2);
    expect(badSynth.err).toMatch(/--events expects a non-negative integer/);
  });
});
