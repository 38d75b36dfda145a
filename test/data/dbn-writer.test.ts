/**
 * DBN writer round trips: events → DBN file → reader give back the same events (property tested
 * with fast-check over random MBO / trades / bar sequences), the synthetic stream survives the
 * trip (Execute becomes Fill + Cancel, as in Databento's CME data), and random byte corruption of
 * a valid file either decodes or fails with a UserError — never another exception.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../../cli/errors.js";
import { EventKind, MarketEvent, Side, type InstrumentInfo } from "../../runtime/events.js";
import { openDbn } from "../../runtime/data/dbn/reader.js";
import { DbnWriter } from "../../runtime/data/dbn/writer.js";
import { SynthMboSource } from "../../runtime/data/synth.js";
import { openCsv } from "../../runtime/data/csv/reader.js";
import { sharedData } from "../support/shared-data.js";

const dir = mkdtempSync(join(tmpdir(), "algo-dbnw-"));
let fileNo = 0;
const BASE = 1_704_153_600_000_000_000n; // 2024-01-02T00:00:00Z

interface Rec {
  kind: EventKind;
  ts: number;
  price: number;
  size: number;
  side: Side;
  idHi: number;
  idLo: number;
  flags: number;
  seq: number;
}

const instruments: InstrumentInfo[] = [
  { index: 0, symbol: "ESH4", sourceId: 17077, priceScale: 1e-9, tickSize: 250_000_000, multiplier: 50 },
  { index: 1, symbol: "NQH4", sourceId: 4294967295, priceScale: 1e-9, tickSize: 0, multiplier: 20 },
];

function writeEvents(recs: Array<Rec & { inst: number }>, schema: string): string {
  const path = join(dir, `f${fileNo++}.dbn`);
  const w = new DbnWriter(path, { schema, timeBase: BASE });
  const ev = new MarketEvent();
  for (const r of recs) {
    ev.kind = r.kind;
    ev.instrument = r.inst;
    ev.ts = r.ts;
    ev.tsRecv = r.ts + 5;
    ev.price = r.price;
    ev.size = r.size;
    ev.side = r.side;
    ev.aggressor = r.side;
    ev.orderIdHi = r.idHi;
    ev.orderIdLo = r.idLo;
    ev.flags = r.flags;
    ev.sequence = r.seq;
    w.write(ev, instruments);
  }
  w.finish();
  return path;
}

const recArb = fc.record({
  kind: fc.constantFrom(EventKind.Add, EventKind.Cancel, EventKind.Modify, EventKind.Trade, EventKind.Fill, EventKind.NoAction),
  inst: fc.constantFrom(0, 1),
  ts: fc.integer({ min: 0, max: 2 ** 47 }),
  price: fc.oneof(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.constant(Number.NaN)),
  size: fc.integer({ min: 0, max: 0xffffffff }),
  side: fc.constantFrom(Side.Bid, Side.Ask, Side.None),
  idHi: fc.integer({ min: 0, max: 0xffffffff }),
  idLo: fc.integer({ min: 0, max: 0xffffffff }),
  flags: fc.integer({ min: 1, max: 255 }),
  seq: fc.integer({ min: 0, max: 0xffffffff }),
});

describe("DBN writer", () => {
  it("round-trips random MBO record sequences (property)", () => {
    fc.assert(
      fc.property(fc.array(recArb, { minLength: 1, maxLength: 60 }), (recs) => {
        recs.sort((a, b) => a.ts - b.ts);
        const path = writeEvents(recs, "mbo");
        const r = openDbn(path, { timeBase: BASE });
        for (const x of recs) {
          expect(r.next()).toBe(true);
          const e = r.event;
          expect(e.kind).toBe(x.kind);
          expect(r.instruments[e.instrument].symbol).toBe(instruments[x.inst].symbol);
          expect(r.instruments[e.instrument].sourceId).toBe(instruments[x.inst].sourceId);
          expect(e.ts).toBe(x.ts);
          expect(e.tsRecv).toBe(x.ts + 5);
          if (Number.isNaN(x.price)) expect(e.price).toBeNaN();
          else expect(e.price).toBe(x.price);
          expect(e.size).toBe(x.size);
          expect(e.side).toBe(x.side);
          expect([e.orderIdHi, e.orderIdLo]).toEqual([x.idHi, x.idLo]);
          expect(e.flags).toBe(x.flags);
          expect(e.sequence).toBe(x.seq);
        }
        expect(r.next()).toBe(false);
        expect(r.metadata?.version).toBe(3);
      }),
      { numRuns: 60 },
    );
  });

  it("round-trips trades and 1-minute bars", () => {
    const tp = writeEvents(
      [
        { kind: EventKind.Trade, inst: 0, ts: 1000, price: 4_800_250_000_000, size: 3, side: Side.Bid, idHi: 0, idLo: 0, flags: 128, seq: 1 },
        { kind: EventKind.Trade, inst: 0, ts: 2000, price: 4_800_000_000_000, size: 1, side: Side.Ask, idHi: 0, idLo: 0, flags: 128, seq: 2 },
      ],
      "trades",
    );
    const r = openDbn(tp);
    expect(r.metadata?.schema).toBe(4);
    const got: number[][] = [];
    while (r.next()) got.push([r.event.kind, r.event.ts, r.event.price, r.event.size, r.event.aggressor]);
    expect(got).toEqual([
      [EventKind.Trade, 1000, 4_800_250_000_000, 3, Side.Bid],
      [EventKind.Trade, 2000, 4_800_000_000_000, 1, Side.Ask],
    ]);

    const path = join(dir, "bars.dbn");
    const w = new DbnWriter(path, { schema: "ohlcv-1m", timeBase: BASE });
    const ev = new MarketEvent();
    ev.kind = EventKind.Bar;
    ev.instrument = 1;
    ev.ts = 60e9 * 600;
    ev.open = 1e12;
    ev.high = 1.5e12;
    ev.low = 0.9e12;
    ev.close = 1.2e12;
    ev.volume = 2 ** 40 + 7;
    ev.aux = 60e9;
    w.write(ev, instruments);
    w.finish();
    const b = openDbn(path);
    expect(b.next()).toBe(true);
    expect([b.event.kind, b.event.ts, b.event.open, b.event.high, b.event.low, b.event.close, b.event.volume, b.event.aux]).toEqual([
      EventKind.Bar,
      60e9 * 600,
      1e12,
      1.5e12,
      0.9e12,
      1.2e12,
      2 ** 40 + 7,
      60e9,
    ]);
    expect(b.instruments[b.event.instrument].symbol).toBe("NQH4");
  });

  it("writes synthetic MBO that reads back event for event (Execute → Fill + Cancel)", () => {
    const src = new SynthMboSource({ events: 30_000, seed: 11 });
    const path = join(dir, "synth.dbn");
    const w = new DbnWriter(path, { schema: "mbo", timeBase: src.timeBase });
    const expected: string[] = [];
    while (src.next()) {
      const e = src.event;
      w.write(e, src.instruments);
      const id = `${e.orderIdHi}:${e.orderIdLo}`;
      if (e.kind === EventKind.Execute) {
        expected.push(`${EventKind.Fill} ${e.ts} ${e.price} ${e.size} ${e.side} ${id}`);
        expected.push(`${EventKind.Cancel} ${e.ts} ${e.price} ${e.size} ${e.side} ${id}`);
      } else expected.push(`${e.kind} ${e.ts} ${e.price} ${e.size} ${e.side} ${id}`);
    }
    w.finish();
    const r = openDbn(path);
    expect(r.timeBase).toBe(src.timeBase);
    const got: string[] = [];
    while (r.next()) {
      const e = r.event;
      got.push(`${e.kind} ${e.ts} ${e.price} ${e.size} ${e.side} ${e.orderIdHi}:${e.orderIdLo}`);
    }
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    expect(r.instruments[0].symbol).toBe("SYNTH");
  });

  it("refuses to write zstd", () => {
    expect(() => new DbnWriter(join(dir, "x.dbn.zst"), { schema: "mbo", timeBase: BASE })).toThrow(/zstd-compressed DBN is not supported/);
  });

  it("random corruption of a valid file decodes or fails with a UserError, never another exception", () => {
    const src = new SynthMboSource({ events: 300, seed: 5 });
    const path = join(dir, "base.dbn");
    const w = new DbnWriter(path, { schema: "mbo", timeBase: src.timeBase });
    while (src.next()) w.write(src.event, src.instruments);
    w.finish();
    const good = new Uint8Array(readFileSync(path));
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), v: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
        fc.nat({ max: good.length }),
        (edits, cut) => {
          const bad = good.slice(0, Math.max(cut, 1));
          for (const { at, v } of edits) if (at < bad.length) bad[at] = v;
          const p = join(dir, `corrupt${fileNo++}.dbn`);
          writeFileSync(p, bad);
          try {
            const r = openDbn(p);
            let guard = 0;
            while (r.next() && guard++ < 100_000);
            r.close();
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
            expect(err.message).toContain(p);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("random corruption of a zstd DBN file decodes or fails with a UserError", () => {
    const f = sharedData("dbn/test_data.mbp-10.v3.dbn.zst");
    if (!f) return;
    const good = new Uint8Array(readFileSync(f));
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), v: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), (edits) => {
        const bad = good.slice();
        for (const { at, v } of edits) bad[at] = v;
        const p = join(dir, `zcorrupt${fileNo++}.dbn.zst`);
        writeFileSync(p, bad);
        try {
          const r = openDbn(p);
          while (r.next());
          r.close();
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          expect(err.message).toContain(p);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("random corruption of a CSV file decodes or fails with a UserError naming file:line", () => {
    const text = "timestamp,price,size,side,symbol\n2024-01-02T14:30:00.5Z,4801.25,3,B,ESH4\n1704205801,4801.5,1,S,NQH4\n2024-01-02T14:30:02+01:00,4801.75,2,,ESH4\n";
    const good = new TextEncoder().encode(text);
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), v: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), (edits) => {
        const bad = good.slice();
        for (const { at, v } of edits) bad[at] = v;
        const p = join(dir, `corrupt${fileNo++}.csv`);
        writeFileSync(p, bad);
        try {
          const r = openCsv(p);
          while (r.next());
          r.close();
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          expect(err.message).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(:\\d+){1,2}: |^price/size`));
        }
      }),
      { numRuns: 300 },
    );
  });
});
