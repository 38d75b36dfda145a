/**
 * The operator metadata (stdlib/meta.ts contract): names unique, ctorArgs naming real parameters,
 * `sameAs` outputs naming a series parameter; for the technical, statistical and utility
 * operators, every className / timeClassName is exported by stdlib/index.ts, the instance's
 * `warmup` equals `warmup(args)`, and `warmup(args)` equals the number of updates the class
 * actually needs before `ready` (measured).
 */
import { describe, expect, it } from "vitest";
import * as S from "../../stdlib/index.js";
import { OPERATORS, qualifiedName } from "../../stdlib/catalog.js";
import type { OperatorMeta } from "../../stdlib/meta.js";

const MINE = new Set(["technical", "statistical", "utility"]);
const exportsOf = S as unknown as Record<string, unknown>;

/** Constant arguments for a call: defaults, else a value that fits the parameter. */
function argsFor(op: OperatorMeta, windowValue: number): Record<string, number> {
  const args: Record<string, number> = {};
  for (const p of op.params) {
    if (p.kind === "window") args[p.name] = typeof p.default === "number" ? p.default : windowValue;
    else if (p.kind === "const") {
      const type = p.accepts?.[0];
      if (p.default !== undefined) args[p.name] = Number(p.default);
      else if (type === "duration") args[p.name] = 1e9;
      else args[p.name] = Math.max(p.min ?? 1, 1);
    }
  }
  return args;
}

type Instance = {
  ready: boolean;
  warmup: number;
  update?: (...a: unknown[]) => void;
  onBar?: (...a: number[]) => void;
};

/** Feeds an operator until ready; returns the number of updates it took (or -1). */
function measureWarmup(op: OperatorMeta, inst: Instance, limit: number): number {
  for (let i = 1; i <= limit; i++) {
    const x = 100 + Math.sin(i) * 3 + i * 0.01;
    if (op.drive === "bar") inst.onBar!(x, x + 1, x - 1, x + 0.5, 10 + (i % 7), i);
    else {
      const args: unknown[] = op.params
        .filter((p) => p.kind === "series")
        .map((p, k) => (p.accepts?.includes("bool") ? i % 2 === 0 : x + k * Math.cos(i)));
      inst.update!(...args, i * 1e9);
    }
    if (inst.ready) return i;
  }
  return -1;
}

describe("operator metadata", () => {
  it("qualified names are unique", () => {
    const names = OPERATORS.map(qualifiedName);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(OPERATORS.map((o) => [qualifiedName(o), o] as const))("%s: ctorArgs and outputs refer to real parameters", (_n, op) => {
    const params = new Map(op.params.map((p) => [p.name, p]));
    for (const a of op.ctorArgs) {
      expect(params.has(a), `ctor arg ${a}`).toBe(true);
      expect(params.get(a)!.kind, `ctor arg ${a} must not be a series`).not.toBe("series");
    }
    expect(op.outputs.length).toBeGreaterThan(0);
    if (op.outputs.length === 1) expect(op.outputs[0].name).toBe("value");
    for (const o of op.outputs) {
      if ("sameAs" in o.type) expect(params.get(o.type.sameAs)?.kind).toBe("series");
    }
    expect(op.doc.length).toBeGreaterThan(40);
    expect(op.example).toContain(op.name);
  });

  const mine = OPERATORS.filter((o) => MINE.has(o.category));
  it("covers every operator of the issue", () => {
    const names = new Set(mine.map(qualifiedName));
    for (const n of [
      "sma", "ema", "wma", "dema", "tema", "hma", "bollinger", "rsi", "macd", "stoch", "atr", "adx", "cci", "obv",
      "roc", "momentum", "highest", "lowest", "crossover", "crossunder", "sum", "mean", "variance", "stdev",
      "zscore", "rolling_min", "rolling_max", "median", "quantile", "skew", "kurtosis", "cov", "corr", "slope",
      "autocorr", "half_life", "log_return", "simple_return", "realized_vol", "ewma_var", "lag", "diff", "clamp",
      "sign", "abs", "min", "max", "iff", "time_of_day", "sample",
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });

  it.each(mine.map((o) => [qualifiedName(o), o] as const))("%s: classes exist and warm up as declared", (_n, op) => {
    const cls = exportsOf[op.className] as new (...a: number[]) => Instance;
    expect(typeof cls).toBe("function");
    for (const w of [3, 10]) {
      const args = argsFor(op, w);
      const inst = new cls(...op.ctorArgs.map((a) => args[a]));
      const declared = op.warmup(args);
      expect(inst.warmup).toBe(declared);
      if (op.drive === "clock") {
        // Time driven: ready at the first tick after a value (1 s clock, 1 s apart updates).
        expect(measureWarmup(op, inst, 10)).toBe(2);
      } else {
        expect(measureWarmup(op, inst, 10_000)).toBe(declared);
      }
    }
    if (op.timeClassName) {
      const tcls = exportsOf[op.timeClassName] as new (...a: number[]) => Instance;
      expect(typeof tcls).toBe("function");
      const args = argsFor(op, 5e9);
      args[op.params.find((p) => p.kind === "window")!.name] = 5e9;
      const inst = new tcls(...op.ctorArgs.map((a) => args[a]));
      expect(inst.warmup).toBe(0);
      // Updates are 1 s apart: a 5 s window is ready once the samples span 5 s.
      const firstNeeded = op.warmup({ ...args, window: 1 }) - 1; // realized_vol needs one extra price
      expect(measureWarmup(op, inst, 100)).toBe(6 + firstNeeded);
    }
  });
});
