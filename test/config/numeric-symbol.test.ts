/**
 * `--set instruments.X.symbol=146945` (a numeric symbol: an instrument id, a ticker of digits)
 * reads as the number 146945 (values are TOML when they parse as TOML), and the error said only
 * "expected a string, got 146945". It now says how to write the string; the quoted form works.
 */
import { describe, expect, it } from "vitest";
import { loadBacktestConfig } from "../../cli/config/load.js";

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("a string key given a number", () => {
  it("says to quote it, and the quoted value loads", () => {
    const msg = errorOf(() => loadBacktestConfig({ env: {}, flags: { set: ["instruments.X.symbol=146945"] } }));
    expect(msg).toContain("--set instruments.X.symbol=146945: expected a string, got 146945");
    expect(msg).toContain(`quote it to give the text, e.g. --set 'instruments.X.symbol="146945"'`);
    const ok = loadBacktestConfig({ env: {}, flags: { set: ['instruments.X.symbol="146945"'] } });
    expect(JSON.stringify(ok)).toContain('"146945"');
  });
});
