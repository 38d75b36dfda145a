/**
 * The quick subcommands (`algo check`, `fmt`, `explain`) run by bin/algo.js from the code-cached
 * bundle dist/fast.cjs (cli/fast.ts, cli/boot.ts) behave exactly as the full command (dist/cli.js)
 * runs them: same stdout, stderr and exit code, for clean files, errors in every format, the risk
 * explanation, IO and usage errors, and help. The cache: written per subcommand by the first run,
 * used by the next (same output), and a cache folder that cannot be written changes nothing.
 * Spawns the built command (the build runs before `npm test`).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../compiler/check/golden-support.js";
import { FAST_COMMANDS } from "../../cli/fast-commands.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "algo-fast-"));
  writeFileSync(join(dir, "ugly.algo"), 'strategy   T "t"\ninstrument es="ESZ4"\n');
  copyFileSync(join(REPO, "examples/ema_cross.algo"), join(dir, "ema_cross.algo"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(entry: string, args: string[], cacheDir: string) {
  const r = spawnSync(process.execPath, [join(REPO, entry), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ALGO_CACHE_DIR: cacheDir, ALGO_NO_CODE_CACHE: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CASES: string[][] = [
  ["check", "examples/imbalance_maker.algo"],
  ["check", "examples/pairs_spread.algo", "examples/ema_cross.algo", "--explain-risk"],
  ["check", "test/fixtures/diag/units/price-plus-qty.algo"],
  ["check", "--format", "json", "test/fixtures/risk/unknown/price-from-feature.algo"],
  ["check", "--format", "sarif", "test/fixtures/risk/unsafe/band-too-far.algo"],
  ["check", "test/fixtures/risk/unsafe/band-too-far.algo", "--explain-risk"],
  ["check", "no-such-file.algo"],
  ["check", "--format", "xml", "examples/ema_cross.algo"],
  ["check"],
  ["check", "--frmat", "json", "x.algo"],
  ["check", "--help"],
  ["fmt", "--check", "examples/ema_cross.algo"],
  ["fmt", "--help"],
  ["explain", "R0401"],
  ["explain", "E9999"],
];

describe("the quick subcommands", () => {
  it("are the ones bin/algo.js sends to dist/boot.cjs", () => {
    const bin = readFileSync(join(REPO, "bin/algo.js"), "utf8");
    const m = /const QUICK = (\[[^\]]*\]);/.exec(bin);
    expect(m).not.toBeNull();
    expect(JSON.parse(m![1]!)).toEqual([...FAST_COMMANDS]);
  });

  it("print and exit exactly as the full command does", () => {
    const cache = join(dir, "cache-same");
    for (const args of CASES) {
      const full = run("dist/cli.js", args, cache);
      const quick = run("bin/algo.js", args, cache);
      expect(quick, args.join(" ")).toEqual(full);
    }
    // The same modules write the same files: fmt through either.
    const fmtFull = run("dist/cli.js", ["fmt", join(dir, "ugly.algo"), "--check"], cache);
    expect(run("bin/algo.js", ["fmt", join(dir, "ugly.algo"), "--check"], cache)).toEqual(fmtFull);
    expect(fmtFull.code).not.toBe(0);
  });

  it("write a code cache per subcommand on the first run and use it on the next, with the same output", () => {
    const cache = join(dir, "cache-fresh");
    const args = ["check", "examples/imbalance_maker.algo", "--explain-risk"];
    const first = run("bin/algo.js", args, cache);
    expect(first.code).toBe(0);
    const caches = readdirSync(join(cache, "v8"));
    expect(caches.filter((f) => f.startsWith("fast.check-") && f.endsWith(".bin"))).toHaveLength(1);
    expect(run("bin/algo.js", args, cache)).toEqual(first);
    expect(readdirSync(join(cache, "v8"))).toEqual(caches);
    run("bin/algo.js", ["explain", "R0401"], cache);
    expect(readdirSync(join(cache, "v8")).filter((f) => f.startsWith("fast.explain-"))).toHaveLength(1);
  });

  it("run the same without a usable cache folder, and with the cache turned off", () => {
    const notAFolder = join(dir, "cache-file");
    writeFileSync(notAFolder, "not a folder");
    const args = ["check", "test/fixtures/diag/units/price-plus-qty.algo"];
    const expected = run("dist/cli.js", args, notAFolder);
    expect(run("bin/algo.js", args, notAFolder)).toEqual(expected);
    const off = spawnSync(process.execPath, [join(REPO, "bin/algo.js"), ...args], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", ALGO_CACHE_DIR: join(dir, "cache-off"), ALGO_NO_CODE_CACHE: "1" },
    });
    expect({ code: off.status, stdout: off.stdout, stderr: off.stderr }).toEqual(expected);
    expect(existsSync(join(dir, "cache-off"))).toBe(false);
  });
});
