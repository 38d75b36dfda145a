/**
 * The console summary and the --json printer, on the hand-ledger scenario: aligned columns, values
 * formatted from the hand-computed metrics, PARTIAL stated, assumptions and the report path shown.
 */
import { describe, expect, it } from "vitest";
import { metricRows, renderMetricsJson, renderSummary } from "../../runtime/analytics/summary.js";
import { handScenario, runScript, testInstrument } from "./scenario.js";

function report(partial = false) {
  return runScript(
    handScenario(),
    { instruments: [testInstrument()], initialCapital: 10_000, sampleIntervalNs: 1000, refusalReasons: ["max_position"], strategy: "hand.algo" },
    3500,
    { partial },
  ).report;
}

describe("console summary", () => {
  it("shows the hand-ledger numbers in aligned columns", () => {
    const text = renderSummary(report(), { outDir: "out" });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Backtest hand.algo: 2023-11-14T22:13:20.000000000Z → 2023-11-14T22:13:20.000003500Z");
    const row = (label: string): string => {
      const l = lines.find((x) => x.startsWith(`    ${label} `));
      expect(l, label).toBeDefined();
      return l!.trim().slice(label.length).trim();
    };
    expect(row("Net P&L")).toBe("3.90");
    expect(row("Gross P&L (before fees)")).toBe("7.00");
    expect(row("Return")).toBe("0.04%");
    expect(row("Max drawdown")).toBe("8.00 (0.08%)");
    expect(row("Max drawdown duration")).toBe("2.5us");
    expect(row("Round trips")).toBe("2");
    expect(row("Hit rate")).toBe("100.0%");
    expect(row("Profit factor")).toBe("—");
    expect(row("Fill ratio (filled / submitted qty)")).toBe("80.0%");
    expect(row("Average time in queue")).toBe("700ns");
    expect(row("Fees paid / rebates")).toBe("3.50 / 0.40");
    expect(row("Refusals")).toBe("1 (max_position 1)");
    expect(row("Average holding time (FIFO)")).toBe("1.35us");
    expect(row("Recovery factor")).toBe("0.49");
    expect(row("Max consecutive wins / losses")).toBe("2 / 0");
    // Values end in the same column (right-aligned), except over-long ones.
    const ends = lines.filter((l) => l.startsWith("    ") && !l.startsWith("    - ") && !l.includes("Refusals")).map((l) => l.length);
    expect(new Set(ends).size).toBe(1);
    expect(text).toContain("  Latency: feed 0ns fixed");
    expect(text).toContain("  Report: out/report.html");
    expect(text).not.toContain("PARTIAL");
  });

  it("prints the assumptions' notes (an instrument bound to another symbol is never silent)", () => {
    const r = report();
    r.assumptions.notes = ['strategy instrument "NQZ4" is not in the data; bound to the data\'s only instrument "ESZ4"', "risk limits: max_order_rate 10 per 1s"];
    const text = renderSummary(r);
    expect(text).toContain('\n  Notes:\n    - strategy instrument "NQZ4" is not in the data; bound to the data\'s only instrument "ESZ4"\n    - risk limits: max_order_rate 10 per 1s\n');
  });

  it("labels the totals of winning / losing trades as net of fees", () => {
    const text = renderSummary(report());
    expect(text).toContain("Winning / losing trades (net of fees)");
    expect(text).not.toContain("Gross profit");
  });

  it("states PARTIAL", () => {
    expect(renderSummary(report(true)).split("\n")[1]).toBe("PARTIAL: stopped before the end of the data; metrics cover what was replayed");
  });

  it("40 uniquely labelled rows cover the metrics", () => {
    const labels = metricRows(report()).map((r) => r.label);
    expect(labels.length).toBe(40);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe("--json", () => {
  it("prints the metrics as one parseable line", () => {
    const out = renderMetricsJson(report());
    expect(out.endsWith("\n")).toBe(true);
    expect(out.trimEnd().includes("\n")).toBe(false);
    const j = JSON.parse(out);
    expect(j.partial).toBe(false);
    expect(j.metrics.netPnl).toBeCloseTo(3.9, 9);
    expect(j.metrics.profitFactor).toBeNull();
    expect(j.refusals).toEqual({ max_position: 1 });
    expect(j.sampling.periods).toBe(4);
  });
});
