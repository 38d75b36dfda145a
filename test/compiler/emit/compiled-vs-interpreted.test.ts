/**
 * Compiled vs. interpreted: every example strategy, compiled to TypeScript and run on synthetic
 * data, makes exactly the same order calls with the same arguments, records the same series values
 * and reads the same features as a straightforward AST interpreter (test/support/interpreter.ts)
 * that shares none of the graph or code-generation logic.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileStrategy, loadStrategy } from "../../../compiler/build.js";
import { nodeHost } from "../../../compiler/index.js";
import { openSynth } from "../../../runtime/data/synth.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import type { Strategy, StrategyContext } from "../../../runtime/engine/strategy.js";
import { InterpretedStrategy } from "../../support/interpreter.js";
import { REPO } from "../check/golden-support.js";

const LOGGED = ["buy", "sell", "limit", "bid", "ask", "quote", "cancelAll", "cancelSide", "flatten", "record", "modify", "cancel"];

/** Wraps a strategy so every order/record call it makes is logged with its arguments. */
function logging(inner: Strategy, log: string[]): Strategy {
  let proxy: StrategyContext | undefined;
  const wrap = (ctx: StrategyContext): StrategyContext => {
    if (!proxy) {
      proxy = new Proxy(ctx, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (prop === "quoteAt") {
            // The compiled code quotes through the register form; log it as the `quote` it is.
            return (inst: number, size: number) => {
              const [bid, ask] = [target.quotePrices[0]!, target.quotePrices[1]!];
              log.push(`${target.time} quote(${[inst, bid, ask, size].map((a) => Number(a.toPrecision(12))).join(",")})`);
              return target.quoteAt(inst, size);
            };
          }
          if (typeof v === "function" && LOGGED.includes(String(prop))) {
            return (...args: unknown[]) => {
              log.push(`${target.time} ${String(prop)}(${args.map((a) => (typeof a === "number" ? Number(a.toPrecision(12)) : a)).join(",")})`);
              return (v as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          if (prop === "quoteAtCurrency") {
            // The same with currency prices, rounded to the tick by the call: log the fixed prices.
            return (inst: number, size: number) => {
              const [bid, ask] = [target.toFixed(inst, target.quotePrices[0]!), target.toFixed(inst, target.quotePrices[1]!)];
              log.push(`${target.time} quote(${[inst, bid, ask, size].map((a) => Number(a.toPrecision(12))).join(",")})`);
              return target.quoteAtCurrency(inst, size);
            };
          }
          if (prop === "limitAtCurrency") {
            // `limit` with a currency price in a register, rounded by the call: log the `limit` it is.
            return (inst: number, side: number, qty: number, tif: number, postOnly: boolean) => {
              const price = target.toFixed(inst, target.orderPrices[0]!);
              log.push(`${target.time} limit(${[inst, side, qty, price, tif].map((a) => Number(a.toPrecision(12))).join(",")},${postOnly})`);
              return target.limitAtCurrency(inst, side, qty, tif, postOnly);
            };
          }
          if (prop === "bid" || prop === "ask") {
            // bid/ask are post-only GTC limits: logged as such, like the compiled code's register form.
            return (inst: number, price: number, qty: number) => {
              log.push(`${target.time} limit(${[inst, prop === "bid" ? 1 : -1, qty, price, 0].map((a) => Number(a.toPrecision(12))).join(",")},true)`);
              return (v as (i: number, p: number, q: number) => number).call(target, inst, price, qty);
            };
          }
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    }
    return proxy;
  };
  const s: Strategy = {
    instruments: inner.instruments,
    subscriptions: inner.subscriptions?.bind(inner),
    isReady: inner.isReady?.bind(inner),
  };
  const handlers = ["onStart", "onBook", "onTrade", "onBar", "onFill", "onTimer", "onEnd"] as const;
  for (const h of handlers) {
    const fn = inner[h] as ((ctx: StrategyContext, ...a: unknown[]) => void) | undefined;
    if (fn) (s as unknown as Record<string, unknown>)[h] = (ctx: StrategyContext, ...a: unknown[]) => fn.call(inner, wrap(ctx), ...a);
  }
  return s;
}

const examples = readdirSync(join(REPO, "examples"))
  .filter((f) => f.endsWith(".algo") && /^\s*strategy\s/m.test(readFileSync(join(REPO, "examples", f), "utf8")))
  .sort();

function sources(symbols: readonly string[], seed: number) {
  return symbols.map((symbol, i) => openSynth({ events: 60_000, seed: seed + i, symbol, meanGapNs: 200_000_000 }));
}

describe("compiled code vs. an independent interpreter", () => {
  for (const name of examples) {
    it(name, () => {
      const path = join(REPO, "examples", name);
      const r = compileStrategy(path, readFileSync(path, "utf8"), nodeHost);
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const compiled = loadStrategy(r.output!, "algo:///x.js").create({});
      const interpreted = new InterpretedStrategy(r.program, r.program.files[r.program.roots[0]!]!);
      const logA: string[] = [];
      const logB: string[] = [];
      const ra = runBacktest({ sources: sources(compiled.instruments, 11), strategy: logging(compiled, logA), strategyName: "compiled" });
      const rb = runBacktest({ sources: sources(compiled.instruments, 11), strategy: logging(interpreted, logB), strategyName: "interpreted" });
      expect(ra.eventsProcessed).toBeGreaterThan(10_000);
      expect(logA.length).toBeGreaterThan(0);
      expect(logB).toEqual(logA);
      // Same calls → the same trading (metrics differ only by the warm-up span: the interpreter does not report readiness).
      expect(rb.report.metrics.netPnl).toBe(ra.report.metrics.netPnl);
    });
  }
});
