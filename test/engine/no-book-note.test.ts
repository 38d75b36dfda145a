/**
 * On data without a book (trades or bars only) market and IOC/FOK orders find no liquidity: the
 * run used to end with "Orders 252 / cancels 252, fills 0" and a bare "instrument had no book
 * events" note; the note now says how many such orders went unfilled and why (a resting limit
 * order can still fill when a trade print crosses it).
 */
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import { TimeInForce } from "../../runtime/engine/strategy.js";
import { baseBook, runScript, trade } from "./helpers.js";

describe("the note on an instrument without book events", () => {
  it("says how many market/IOC orders found no liquidity", () => {
    const events = [trade(100, 10000, 1, Side.Bid), trade(2000, 10100, 2, Side.Ask), trade(3000, 9900, 1, Side.Bid), trade(4000, 9800, 5, Side.Ask)];
    const { strategy, result } = runScript(events, {
      500: (ctx) => {
        ctx.buy(0, 1);
        ctx.limit(0, Side.Bid, 1, 10050, TimeInForce.Gtc, false);
      },
    });
    // The market buy finds no liquidity; the resting bid at 100.50 fills on the sell print at 98.
    expect(strategy.fills.map((f) => [f.ref, f.price, f.ts])).toEqual([[2, 10050, 4000]]);
    const note = result.notes.find((n) => n.includes("had no book events"));
    expect(note).toContain("the 1 sent on it found no liquidity and were cancelled unfilled");
  });

  it("stays short when no order was sent, and is absent when there is a book", () => {
    const quiet = runScript([trade(100, 10000, 1, Side.Bid)], {});
    expect(quiet.result.notes).toContain('instrument "TEST" had no book events in the data');
    const booked = runScript(baseBook(), { 1: (ctx) => ctx.buy(0, 1) });
    expect(booked.result.notes.some((n) => n.includes("had no book events"))).toBe(false);
    expect(booked.result.report.metrics.fills).toBe(1);
  });
});
