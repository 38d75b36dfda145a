/**
 * `algo build` output runs outside the package: built into a temporary folder outside the
 * repository, the JavaScript is imported by plain Node (no `algolang` installed there) and
 * backtested, and `algo backtest` runs the built file. The package's `exports` map lets a project
 * that depends on algolang import `algolang/stdlib` and `algolang/runtime` (as the generated
 * TypeScript does), and type-check the generated TypeScript through the "types" conditions.
 * Needs `npm run build` (dist/).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../check/golden-support.js";

const BIN = join(REPO, "bin/algo.js");
const DATA = join(REPO, "examples/data/esz4-synthetic.mbo.dbn");
let dir = "";

function run(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "algo-built-"));
  expect(dir.startsWith(REPO)).toBe(false);
  const r = run([BIN, "build", join(REPO, "examples/imbalance_maker.algo"), "-o", "out"]);
  expect(r.err).toMatch(/built ImbalanceMaker/);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("built strategies run outside the package", () => {
  it("plain node imports the built JavaScript and backtests it", () => {
    const js = readFileSync(join(dir, "out/imbalance_maker.js"), "utf8");
    expect(js).not.toMatch(/from\s+["']algolang\//);
    // The driver uses the package's runtime by path; the strategy file itself needs nothing installed.
    const driver = `
      import Strategy from ${JSON.stringify(pathToFileURL(join(dir, "out/imbalance_maker.js")).href)};
      import { openDataSource, runBacktest } from ${JSON.stringify(pathToFileURL(join(REPO, "dist/runtime.js")).href)};
      const strategy = new Strategy({ size: 2 });
      const res = runBacktest({ sources: [openDataSource(${JSON.stringify(DATA)}).source], strategy, strategyName: "built" });
      console.log(JSON.stringify({ orders: res.report.metrics.orders, fills: res.report.metrics.fills, refused: res.refusals }));
    `;
    const r = run(["--input-type=module", "-e", driver]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { orders: number; refused: Record<string, number> };
    expect(out.orders).toBeGreaterThan(0);
    expect(out.refused.max_order_qty ?? 0).toBe(0);
    expect(out.refused.max_position ?? 0).toBe(0);
  });

  it("algo backtest runs the built file", () => {
    const r = run([BIN, "backtest", join(dir, "out/imbalance_maker.js"), "--data", DATA, "--out", "bt", "--json", "--no-html"]);
    expect(r.err).not.toMatch(/failed to load|Cannot find/);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { metrics: { orders: number } }).metrics.orders).toBeGreaterThan(0);
  });

  it("a project depending on algolang imports algolang/stdlib and algolang/runtime, and type-checks the generated TypeScript", () => {
    const proj = join(dir, "proj");
    mkdirSync(join(proj, "node_modules"), { recursive: true });
    symlinkSync(REPO, join(proj, "node_modules", "algolang"), "dir");
    writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "user-project", type: "module", dependencies: { algolang: "*" } }));
    const r = run(["--input-type=module", "-e", `import { Ema } from "algolang/stdlib"; import { BacktestEngine } from "algolang/runtime"; const e = new Ema(3); e.update(1); e.update(2); e.update(3); console.log(typeof BacktestEngine, e.value);`], proj);
    expect(r.err).toBe("");
    expect(r.out.trim()).toBe("function 2");
    // The generated TypeScript against the package's types, resolved as Node resolves it.
    const file = join(proj, "strategy.ts");
    writeFileSync(file, readFileSync(join(dir, "out/imbalance_maker.ts"), "utf8"));
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      types: ["node"],
      typeRoots: [join(REPO, "node_modules/@types")],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file);
    expect(diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });
});
