/**
 * DBN reader conformance: every file under ../shared/data/dbn decodes, with the record counts and
 * first/last ts_event that MANIFEST.md records; versions 1/2/3 of the same content decode to the
 * same events; corrupt, truncated and wrong-format inputs fail with a UserError naming the file
 * and the byte offset.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decompress } from "fzstd";
import { UserError } from "../../cli/errors.js";
import { EventKind } from "../../runtime/events.js";
import { openDbn, type DbnReader } from "../../runtime/data/dbn/reader.js";
import { sharedData } from "../support/shared-data.js";

const dbnDir = sharedData("dbn");
const manifestPath = sharedData("MANIFEST.md");

interface Expected {
  records: number;
  first?: string;
  last?: string;
}

function manifestRows(): Map<string, Expected> {
  const rows = new Map<string, Expected>();
  if (!manifestPath) return rows;
  for (const line of readFileSync(manifestPath, "utf8").split("\n")) {
    const m = /^\| `(dbn\/[^`]+)` \|/.exec(line);
    if (!m) continue;
    const r = /records=(\d+)/.exec(line);
    if (!r) continue;
    const ts = /first ts_event=([^,]+), last=([^ |]+)/.exec(line);
    rows.set(m[1], { records: Number(r[1]), first: ts?.[1], last: ts?.[2] });
  }
  return rows;
}

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** MANIFEST writes ts as ISO with microseconds, or as the raw integer when not a plausible date. */
function sameTs(actual: bigint | undefined, expected: string): boolean {
  if (expected === "-") return actual === undefined;
  if (actual === undefined) return false;
  if (/^\d+$/.test(expected)) return actual === BigInt(expected);
  const m = /^(.*T\d\d:\d\d:\d\d)\.(\d{6})Z$/.exec(expected);
  if (!m) return false;
  const secs = BigInt(Date.parse(`${m[1]}Z`)) / 1000n;
  const us = secs * 1_000_000n + BigInt(m[2]);
  // MANIFEST's microseconds came through a float conversion: truncated or rounded, never further off.
  const diff = actual / 1000n - us;
  return diff >= -1n && diff <= 1n;
}

function drain(r: DbnReader): number {
  let n = 0;
  while (r.next()) n++;
  return n;
}

/** A comparable dump of every event a file yields (instrument by symbol, not index). */
function dumpEvents(path: string): string[] {
  const r = openDbn(path);
  const out: string[] = [];
  while (r.next()) {
    const e = r.event;
    const sym = r.instruments[e.instrument].sourceId;
    let s = `${e.kind} ${sym} ${e.ts} ${e.price} ${e.size} ${e.side} ${e.aggressor} ${e.orderIdHi}:${e.orderIdLo} ${e.flags}`;
    if (e.kind === EventKind.LevelSnapshot) {
      for (let i = 0; i < e.depth; i++) s += ` [${e.bidPx[i]} ${e.bidSz[i]} ${e.bidCt[i]} ${e.askPx[i]} ${e.askSz[i]} ${e.askCt[i]}]`;
    }
    if (e.kind === EventKind.Bar) s += ` ${e.open} ${e.high} ${e.low} ${e.close} ${e.volume} ${e.aux}`;
    if (e.kind === EventKind.Statistic || e.kind === EventKind.Status) s += ` ${e.aux} ${e.action} ${e.count}`;
    if (e.kind === EventKind.Imbalance) s += ` ${e.open} ${e.high} ${e.close} ${e.volume} ${e.count} ${e.aux}`;
    if (e.kind === EventKind.Definition) {
      const info = r.instruments[e.instrument];
      s += ` ${info.tickSize} ${info.multiplier}`;
    }
    out.push(s);
  }
  r.close();
  return out;
}

function expectUserError(fn: () => unknown, ...parts: RegExp[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UserError);
  for (const p of parts) expect((caught as Error).message).toMatch(p);
}

describe.skipIf(!dbnDir || !manifestPath)("DBN conformance on ../shared/data/dbn", () => {
  const rows = manifestRows();
  const files = dbnDir ? walk(dbnDir).sort() : [];

  it("finds the files MANIFEST.md lists", () => {
    expect(files.length).toBeGreaterThan(150);
    expect(rows.size).toBeGreaterThan(150);
  });

  for (const file of files) {
    const rel = `dbn/${file.slice(dbnDir!.length + 1)}`;
    it(`decodes ${rel}`, () => {
      const r = openDbn(file);
      const events = drain(r);
      r.close();
      expect(r.unknownRecords).toBe(0);
      const exp = rows.get(rel);
      if (exp) {
        expect(r.recordCount).toBe(exp.records);
        if (exp.first) expect(sameTs(r.firstTsEvent(), exp.first), `first ts ${r.firstTsEvent()} vs ${exp.first}`).toBe(true);
        if (exp.last) expect(sameTs(r.lastTsEvent(), exp.last), `last ts ${r.lastTsEvent()} vs ${exp.last}`).toBe(true);
      }
      if (r.recordCount > 0 && r.rtypeCounts[0x16] !== r.recordCount) expect(events).toBeGreaterThan(0);
    });
  }

  const sameContent: Array<[string, string[]]> = [
    ["mbo", ["test_data.mbo.v1.dbn.zst", "test_data.mbo.v2.dbn.zst", "test_data.mbo.v3.dbn", "test_data.mbo.v3.dbn.zst", "test_data.mbo.dbz"]],
    ["mbp-1", ["test_data.mbp-1.v1.dbn.zst", "test_data.mbp-1.v2.dbn.zst", "test_data.mbp-1.v3.dbn.zst"]],
    ["mbp-10", ["test_data.mbp-10.v1.dbn.zst", "test_data.mbp-10.v2.dbn.zst", "test_data.mbp-10.v3.dbn.zst"]],
    ["tbbo", ["test_data.tbbo.v1.dbn.zst", "test_data.tbbo.v2.dbn.zst", "test_data.tbbo.v3.dbn.zst"]],
    ["trades", ["test_data.trades.v1.dbn.zst", "test_data.trades.v2.dbn.zst", "test_data.trades.v3.dbn.zst"]],
    ["ohlcv-1s", ["test_data.ohlcv-1s.v1.dbn.zst", "test_data.ohlcv-1s.v2.dbn.zst", "test_data.ohlcv-1s.v3.dbn.zst"]],
    ["ohlcv-1m", ["test_data.ohlcv-1m.v1.dbn.zst", "test_data.ohlcv-1m.v2.dbn.zst", "test_data.ohlcv-1m.v3.dbn.zst"]],
    ["ohlcv-1h", ["test_data.ohlcv-1h.v1.dbn.zst", "test_data.ohlcv-1h.v2.dbn.zst", "test_data.ohlcv-1h.v3.dbn.zst"]],
    ["imbalance", ["test_data.imbalance.v1.dbn.zst", "test_data.imbalance.v2.dbn.zst", "test_data.imbalance.v3.dbn.zst"]],
    ["statistics", ["test_data.statistics.v1.dbn.zst", "test_data.statistics.v2.dbn.zst", "test_data.statistics.v3.dbn.zst"]],
    ["status", ["test_data.status.v2.dbn.zst", "test_data.status.v3.dbn.zst"]],
    ["bbo-1s", ["test_data.bbo-1s.v2.dbn.zst", "test_data.bbo-1s.v3.dbn.zst"]],
    ["cbbo-1s", ["databento-cpp/test_data.cbbo-1s.v1.dbn.zst", "test_data.cbbo-1s.v2.dbn.zst", "test_data.cbbo-1s.v3.dbn.zst"]],
    ["cmbp-1", ["databento-cpp/test_data.cmbp-1.v1.dbn.zst", "test_data.cmbp-1.v2.dbn.zst", "test_data.cmbp-1.v3.dbn.zst"]],
    ["definition", ["test_data.definition.v1.dbn.zst", "test_data.definition.v2.dbn.zst", "test_data.definition.v3.dbn.zst"]],
    ["definition fragments", ["test_data.definition.v1.dbn.frag", "test_data.definition.v2.dbn.frag", "test_data.definition.v3.dbn.frag", "test_data.definition.v3.dbn.frag.zst"]],
  ];
  for (const [schema, names] of sameContent) {
    it(`versions of ${schema} decode to the same events`, () => {
      const dumps = names.map((n) => dumpEvents(join(dbnDir!, n)));
      expect(dumps[0].length).toBeGreaterThan(0);
      for (let i = 1; i < dumps.length; i++) expect(dumps[i], names[i]).toEqual(dumps[0]);
    });
  }

  it("decodes known field values of the v3 MBO fixture", () => {
    const r = openDbn(join(dbnDir!, "test_data.mbo.v3.dbn"));
    expect(r.metadata?.dataset).toBe("GLBX.MDP3");
    expect(r.next()).toBe(true);
    const e = r.event;
    expect(e.kind).toBe(EventKind.Cancel);
    expect(r.instruments[e.instrument].symbol).toBe("ESH1");
    expect(r.instruments[e.instrument].sourceId).toBe(5482);
    expect(e.price).toBe(3_722_750_000_000); // 3722.75 in 1e-9 units
    expect(e.ts).toBe(13 * 3600e9 + 429831); // 13:00:00.000429831 after UTC midnight
    r.close();
  });

  it("reads the metadata of legacy DBZ files (dataset, schema, symbol mappings)", () => {
    const r = openDbn(join(dbnDir!, "test_data.mbo.dbz"));
    expect(r.metadata?.version).toBe(0);
    expect(r.metadata?.dataset).toBe("GLBX.MDP3");
    expect(r.metadata?.schema).toBe(0);
    expect(r.metadata?.symbols).toEqual(["ESH1"]);
    expect(r.next()).toBe(true);
    expect(r.instruments[r.event.instrument].symbol).toBe("ESH1");
    expect(r.event.ts).toBe(13 * 3600e9 + 429831);
  });

  it("reads definition fields: ES tick 0.25, multiplier 50", () => {
    const r = openDbn(join(dbnDir!, "databento-python/GLBX.MDP3/test_data.definition.dbn.zst"));
    drain(r);
    const es = r.instruments.find((i) => i.symbol === "ESH1")!;
    expect(es.tickSize).toBe(250_000_000);
    expect(es.multiplier).toBe(50);
  });

  it("the real CME MBO file decodes identically with a tiny read buffer (records split across reads)", () => {
    const f = join(dbnDir!, "nautilus_trader/esh4-glbx-mdp3-20231224.mbo.dbn.zst");
    const a = openDbn(f);
    const b = openDbn(f, { bufferSize: 4096 });
    let n = 0;
    for (;;) {
      const x = a.next();
      const y = b.next();
      expect(y).toBe(x);
      if (!x) break;
      n++;
      expect([b.event.kind, b.event.ts, b.event.price, b.event.size, b.event.orderIdLo, b.event.sequence]).toEqual([
        a.event.kind,
        a.event.ts,
        a.event.price,
        a.event.size,
        a.event.orderIdLo,
        a.event.sequence,
      ]);
    }
    expect(n).toBe(8725);
  });

  it("maps MBO actions: F keeps the resting side (aggressor opposite), counts match the action histogram", () => {
    const r = openDbn(join(dbnDir!, "nautilus_trader/esh4-glbx-mdp3-20231225.mbo.dbn.zst"));
    const byKind = new Map<number, number>();
    const addSide = new Map<string, number>();
    let fillMatches = 0;
    let fills = 0;
    while (r.next()) {
      const e = r.event;
      byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
      const id = `${e.orderIdHi}:${e.orderIdLo}`;
      if (e.kind === EventKind.Add) addSide.set(id, e.side);
      if (e.kind === EventKind.Fill && addSide.has(id)) {
        fills++;
        if (addSide.get(id) === e.side) fillMatches++;
        expect(e.aggressor).toBe(-e.side || 0);
      }
    }
    expect(byKind.get(EventKind.Add)).toBe(29216);
    expect(byKind.get(EventKind.Cancel)).toBe(17999);
    expect(byKind.get(EventKind.Modify)).toBe(12233);
    expect(byKind.get(EventKind.Trade)).toBe(2973);
    expect(byKind.get(EventKind.Fill)).toBe(6371);
    expect(fillMatches / fills).toBeGreaterThan(0.99);
  });

  it("skips unwanted kinds by length", () => {
    const r = openDbn(join(dbnDir!, "databento-python/LIVE/test_data.live.dbn.zst"), { kinds: [EventKind.Bar] });
    let bars = 0;
    while (r.next()) {
      expect(r.event.kind).toBe(EventKind.Bar);
      bars++;
    }
    expect(bars).toBe(4);
    expect(r.recordCount).toBe(46);
  });

  it("emits a Trade after the LevelSnapshot of a TBBO record", () => {
    const kinds = dumpEvents(join(dbnDir!, "test_data.tbbo.v3.dbn.zst")).map((s) => Number(s.split(" ")[0]));
    expect(kinds).toEqual([EventKind.LevelSnapshot, EventKind.Trade, EventKind.LevelSnapshot, EventKind.Trade]);
  });

  // ---------------------------------------------------------------- corrupt inputs
  const tmp = mkdtempSync(join(tmpdir(), "algo-dbn-"));
  const plain = (): Uint8Array => new Uint8Array(readFileSync(join(dbnDir!, "test_data.mbo.v3.dbn")));
  const put = (name: string, bytes: Uint8Array): string => {
    const p = join(tmp, name);
    writeFileSync(p, bytes);
    return p;
  };

  it("rejects a wrong magic", () => {
    const b = plain();
    b[0] = 0x58;
    const p = put("bad-magic.dbn", b);
    expectUserError(() => openDbn(p, { fragment: false }), /bad-magic\.dbn/, /byte 0/, /expected the DBN magic/);
  });

  it("rejects a text file as DBN", () => {
    const p = put("text.dbn", new TextEncoder().encode("timestamp,price,size\n1,2,3\n"));
    expectUserError(() => openDbn(p), /text\.dbn/, /expected the DBN magic bytes "DBN" or a DBN record header/);
  });

  it("rejects an unsupported version", () => {
    const b = plain();
    b[3] = 9;
    const p = put("bad-version.dbn", b);
    expectUserError(() => openDbn(p), /bad-version\.dbn/, /byte 3/, /version 9 is not supported; expected 1, 2 or 3/);
  });

  it("rejects a truncated metadata header", () => {
    const p = put("short-meta.dbn", plain().subarray(0, 60));
    expectUserError(() => openDbn(p), /short-meta\.dbn/, /metadata/, /truncated/);
  });

  it("rejects a truncated final record", () => {
    const b = plain();
    const p = put("truncated.dbn", b.subarray(0, b.length - 10));
    const r = openDbn(p);
    expectUserError(() => drain(r), /truncated\.dbn/, new RegExp(`byte ${b.length - 56}`), /ends inside a mbo record \(46 of 56 bytes\)/);
  });

  it("rejects a record length too small for its rtype", () => {
    const b = plain();
    const first = b.length - 112;
    b[first] = 5; // 20 bytes, an MBO record needs 56
    const p = put("short-rlen.dbn", b);
    const r = openDbn(p);
    expectUserError(() => drain(r), /short-rlen\.dbn/, new RegExp(`byte ${first}`), /record length 20 bytes is too small for a mbo record; expected at least 56/);
  });

  it("rejects a zero record length instead of looping", () => {
    const b = plain();
    b[b.length - 112] = 0;
    const r = openDbn(put("zero-rlen.dbn", b));
    expectUserError(() => drain(r), /zero-rlen\.dbn/, /record length 0 bytes/);
  });

  it("rejects a truncated zstd stream", () => {
    const z = readFileSync(join(dbnDir!, "nautilus_trader/esh4-glbx-mdp3-20231224.mbo.dbn.zst"));
    const p = put("cut.dbn.zst", new Uint8Array(z.subarray(0, Math.floor(z.length / 2))));
    expectUserError(() => drain(openDbn(p)), /cut\.dbn\.zst/, /(zstd|truncated)/);
  });

  it("counts and skips an unknown rtype by its length", () => {
    const b = plain();
    b[b.length - 112 + 1] = 0x7e; // first record becomes an unknown rtype of the same length
    const r = openDbn(put("unknown-rtype.dbn", b));
    expect(drain(r)).toBe(1);
    expect(r.unknownRecords).toBe(1);
    expect(r.firstUnknownRtype).toBe(0x7e);
    expect(r.firstUnknownOffset).toBe(b.length - 112);
    expect(r.notes()).toEqual([
      `${join(tmp, "unknown-rtype.dbn")}: 1 record of unknown rtype skipped (by length); the first has rtype 0x7e at byte ${b.length - 112}`,
    ]);
  });

  it("notes an MBO record with an unknown action (read as no-action)", () => {
    const b = plain();
    b[b.length - 112 + 38] = 0x5a; // 'Z'
    const r = openDbn(put("unknown-action.dbn", b));
    expect(drain(r)).toBe(2);
    expect(r.unknownActions).toBe(1);
    expect(r.notes()).toEqual([
      `${join(tmp, "unknown-action.dbn")}: 1 MBO record with an unknown action read as no-action (no book change); the first has action 'Z' at byte ${b.length - 112}`,
    ]);
  });

  it("a clean file has no notes", () => {
    const r = openDbn(put("clean.dbn", plain()));
    drain(r);
    expect(r.notes()).toEqual([]);
  });

  it("reports offsets in the decompressed stream for .zst input", () => {
    const raw = decompress(new Uint8Array(readFileSync(join(dbnDir!, "test_data.mbo.v3.dbn.zst"))));
    expect(raw.length).toBe(472);
  });
});
