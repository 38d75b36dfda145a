/**
 * `book.queue_position` and `cancel(inst, side)` in a compiled strategy: the operator reads the
 * execution simulator's queue estimate for our resting bid (wired in onStart), and the side-only
 * cancel reaches the engine. Run on the shipped synthetic data.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileStrategy, loadStrategy } from "../../../compiler/build.js";
import { openDataSource } from "../../../runtime/data/open.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import type { Strategy, StrategyContext } from "../../../runtime/engine/strategy.js";
import { REPO } from "../check/golden-support.js";

describe("queue position in compiled strategies", () => {
  it("reads our order's queue and cancels one side", () => {
    const path = join(REPO, "test/fixtures/programs/queue-watch.algo");
    const r = compileStrategy(path, readFileSync(path, "utf8"));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const inner = loadStrategy(r.output!, "algo:///q.js").create({});
    const seen: number[] = [];
    let sideCancels = 0;
    // Observe the queue values the strategy reads and the side cancels it sends.
    const s: Strategy = {
      instruments: inner.instruments,
      subscriptions: inner.subscriptions!.bind(inner),
      onStart(ctx: StrategyContext) {
        // The context is the engine itself: count its side cancels by wrapping the method once.
        const cancelSide = ctx.cancelSide.bind(ctx);
        (ctx as { cancelSide: StrategyContext["cancelSide"] }).cancelSide = (i, side) => {
          sideCancels++;
          cancelSide(i, side);
        };
        inner.onStart!(ctx);
      },
      risk: inner.risk,
      onBook(ctx: StrategyContext, inst: number) {
        const q = ctx.queueAhead(inst, 1);
        if (q === q) seen.push(q);
        inner.onBook!(ctx, inst);
      },
    };
    const res = runBacktest({ sources: [openDataSource(join(REPO, "examples/data/esz4-synthetic.mbo.dbn")).source], strategy: s });
    expect(res.report.metrics.orders).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeGreaterThan(50);
    expect(sideCancels).toBeGreaterThan(0);
    expect(res.report.metrics.cancels).toBeGreaterThan(0);
    expect(res.refusals.max_order_qty ?? 0).toBe(0);
    expect(res.refusals.max_position ?? 0).toBe(0);
    expect(res.refusals.price_band ?? 0).toBe(0);
  });
});
