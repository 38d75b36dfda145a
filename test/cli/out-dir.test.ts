/**
 * Output folders: a file in the way, a path under a file, or a pseudo file system (/proc, where
 * Node's recursive mkdir never returns) give one clear line and exit 2 before any work is done;
 * nested missing folders are created.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutDir, makeOutDir } from "../../cli/out-dir.js";
import { UserError } from "../../cli/errors.js";
import { REPO_ROOT } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");
const STRATEGY = join(REPO_ROOT, "examples/imbalance_maker.algo");
const DATA = join(REPO_ROOT, "examples/data/esz4-synthetic.mbo.dbn");
const dir = mkdtempSync(join(tmpdir(), "algo-out-dir-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(args: string[]): { code: number | null; err: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ALGO_")));
  const r = spawnSync(process.execPath, [ALGO, ...args], { encoding: "utf8", cwd: dir, env, timeout: 60_000 });
  return { code: r.status, err: r.stderr };
}

function messageOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  return "";
}

describe("output folders", () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "keep me\n");

  it("makeOutDir creates missing levels and accepts an existing folder", () => {
    const nested = join(dir, "x", "y", "z");
    makeOutDir(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    makeOutDir(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
  });

  it("checkOutDir refuses a file, a path under a file and a /proc path, and leaves the file alone", () => {
    expect(messageOf(() => checkOutDir(file))).toBe(`${file}: is a file, not a folder; --out names the folder the outputs are written to`);
    expect(messageOf(() => checkOutDir(join(file, "sub")))).toBe(`${join(file, "sub")}: cannot create the output folder: ${file} is a file`);
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
    if (existsSync("/proc/self")) expect(messageOf(() => makeOutDir("/proc/algo-test/out"))).toMatch(/^\/proc\/algo-test\/out: cannot create the output folder \/proc\/algo-test: /);
  });

  it("algo backtest --out on a file: one line, exit 2, before the run", () => {
    const r = algo(["backtest", STRATEGY, "--data", DATA, "--out", file]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`algo: ${file}: is a file, not a folder; --out names the folder the outputs are written to`);
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
  });

  it("algo backtest --out under /proc: one line, exit 2, no hang", () => {
    if (!existsSync("/proc/self")) return;
    const r = algo(["backtest", STRATEGY, "--data", DATA, "--out", "/proc/algo-test/out"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^algo: \/proc\/algo-test\/out: cannot create the output folder/);
  });

  it("algo sweep and algo build refuse an output path under a file", () => {
    const s = algo(["sweep", STRATEGY, "--data", DATA, "--grid", "size=1,2", "--out", join(file, "sweep")]);
    expect(s.code).toBe(2);
    expect(s.err.trim()).toBe(`algo: ${join(file, "sweep")}: cannot create the output folder: ${file} is a file`);
    const b = algo(["build", STRATEGY, "--out", join(file, "build")]);
    expect(b.code).toBe(2);
    expect(b.err.trim()).toBe(`algo: ${join(file, "build")}: cannot create the output folder: ${file} is a file`);
  });
});
