/**
 * cli/code-cache.ts: a CommonJS file loaded through a V8 code cache gives the same exports as
 * require(); the cache is written once (atomically, at exit), reused by a fresh process, rewritten
 * when stale, and a cache folder that cannot be written costs nothing but time. End to end, `algo
 * build` (which loads ts-morph this way from dist/vendor/) writes the same files with and without
 * a cache.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cacheFolder, flushCodeCaches, requireWithCodeCache, type CodeCacheInfo } from "../../cli/code-cache.js";
import { REPO } from "../compiler/check/golden-support.js";

let dir = "";
const saved = { dir: process.env.ALGO_CACHE_DIR, off: process.env.ALGO_NO_CODE_CACHE };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "algo-code-cache-"));
});
afterEach(() => {
  process.env.ALGO_CACHE_DIR = saved.dir;
  if (saved.dir === undefined) delete process.env.ALGO_CACHE_DIR;
  process.env.ALGO_NO_CODE_CACHE = saved.off;
  if (saved.off === undefined) delete process.env.ALGO_NO_CODE_CACHE;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS module with some functions (so that there is compiled code to cache). */
function writeModule(name: string): string {
  const path = join(dir, name);
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i % 7}; }`).join("\n");
  writeFileSync(
    path,
    `"use strict";\n${fns}\nconst path = require("node:path");\nexports.sum = (n) => { let s = 0; for (let i = 0; i < n; i++) s += f${7}(i) + f${49}(i); return s; };\n` +
      `exports.file = __filename; exports.dir = __dirname; exports.base = path.basename(__filename); module.exports.self = module.exports;\n`,
  );
  return path;
}

/** Loads `path` with the cache in a fresh Node process; returns its state and a result. */
function loadInChild(path: string, cacheDir: string): { state: string; sum: number } {
  const code = `
    const { requireWithCodeCache } = await import(${JSON.stringify(join(REPO, "cli/code-cache.ts"))});
    const info = {};
    const m = requireWithCodeCache(${JSON.stringify(path)}, info);
    console.log(JSON.stringify({ state: info.state, sum: m.sum(1000) }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, ALGO_CACHE_DIR: cacheDir, ALGO_NO_CODE_CACHE: "" },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { state: string; sum: number };
}

describe("requireWithCodeCache", () => {
  it("gives the exports require() gives, with CommonJS's module, exports, __filename and __dirname", () => {
    const path = writeModule("same.cjs");
    process.env.ALGO_CACHE_DIR = join(dir, "c-same");
    const info: CodeCacheInfo = { file: undefined, state: "off" };
    const m = requireWithCodeCache(path, info) as Record<string, unknown>;
    const plain = createRequire(import.meta.url)(path) as Record<string, unknown>;
    expect((m.sum as (n: number) => number)(1000)).toBe((plain.sum as (n: number) => number)(1000));
    expect(m.file).toBe(path);
    expect(m.dir).toBe(dir);
    expect(m.base).toBe("same.cjs");
    expect(m.self).toBe(m);
    expect(info.state).toBe("absent");
    expect(info.file!.startsWith(join(dir, "c-same", "v8"))).toBe(true);
    // Written at exit (here: flushed), atomically: no temp file is left beside it.
    expect(existsSync(info.file!)).toBe(false);
    flushCodeCaches();
    expect(existsSync(info.file!)).toBe(true);
    expect(readdirSync(join(dir, "c-same", "v8")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a fresh process uses the cache; a stale one is rejected, still loads, and is written anew", () => {
    const path = writeModule("fresh.cjs");
    const cacheDir = join(dir, "c-fresh");
    const first = loadInChild(path, cacheDir);
    expect(first.state).toBe("absent");
    const second = loadInChild(path, cacheDir);
    expect(second).toEqual({ state: "used", sum: first.sum });
    const [bin] = readdirSync(join(cacheDir, "v8"));
    const file = join(cacheDir, "v8", bin!);
    writeFileSync(file, Buffer.alloc(4096, 7));
    const third = loadInChild(path, cacheDir);
    expect(third).toEqual({ state: "rejected", sum: first.sum });
    expect(loadInChild(path, cacheDir)).toEqual({ state: "used", sum: first.sum });
  });

  it("a changed bundle gets a new cache, and the old ones of that bundle are deleted (others kept)", () => {
    const path = writeModule("grow.cjs");
    const cacheDir = join(dir, "c-grow");
    expect(loadInChild(path, cacheDir).state).toBe("absent");
    const v8dir = join(cacheDir, "v8");
    const [firstBin] = readdirSync(v8dir);
    writeFileSync(join(v8dir, "other-0.1.0-x.bin"), "another bundle's cache");
    // A cache of the same bundle named before names carried the install folder's hash: orphaned.
    const stem = /^(grow-[^-]+-)[0-9a-f]{8}-/.exec(firstBin!)![1]!;
    writeFileSync(join(v8dir, `${stem}11.3.244.8-node.19-x64-1234-5678.bin`), "a cache of the old naming");
    // The same bundle in another install (another hash): kept.
    const elsewhere = `${stem}0badf00d-${firstBin!.slice(stem.length + 9)}`;
    writeFileSync(join(v8dir, elsewhere), "another install's cache");
    writeFileSync(join(v8dir, `${firstBin!.replace(/\.bin$/, "")}.123.abc.tmp`), "a concurrent write");
    // The bundle changes (new size and mtime): a new key, and the old file must go.
    writeFileSync(path, `${readFileSync(path, "utf8")}\nexports.more = 1;\n`);
    expect(loadInChild(path, cacheDir).state).toBe("absent");
    const after = readdirSync(v8dir).sort();
    expect(after.filter((f) => f.startsWith("grow-"))).toHaveLength(3); // the new cache, the other install's, the other process's temp file
    expect(after).not.toContain(firstBin);
    expect(after).not.toContain(`${stem}11.3.244.8-node.19-x64-1234-5678.bin`);
    expect(after).toContain("other-0.1.0-x.bin");
    expect(after).toContain(elsewhere);
    expect(after.filter((f) => f.startsWith("grow-") && f.endsWith(".bin"))).toHaveLength(2);
  });

  it("an unwritable cache folder or ALGO_NO_CODE_CACHE=1 only turns the cache off", () => {
    const path = writeModule("ro.cjs");
    const ro = join(dir, "c-ro");
    const info: CodeCacheInfo = { file: undefined, state: "off" };
    // A file where the folder should be: mkdir fails whatever the user's rights are.
    writeFileSync(ro, "not a folder");
    process.env.ALGO_CACHE_DIR = ro;
    const m = requireWithCodeCache(path, info) as { sum(n: number): number };
    expect(m.sum(10)).toBeGreaterThan(0);
    expect(info.state).toBe("absent");
    expect(() => flushCodeCaches()).not.toThrow();
    process.env.ALGO_NO_CODE_CACHE = "1";
    const off: CodeCacheInfo = { file: undefined, state: "absent" };
    requireWithCodeCache(path, off);
    expect(off).toEqual({ file: undefined, state: "off" });
    flushCodeCaches();
  });

  it("finds the user's cache folder", () => {
    expect(cacheFolder({ ALGO_CACHE_DIR: "/x/y" }, "linux")).toBe("/x/y");
    expect(cacheFolder({ XDG_CACHE_HOME: "/xdg" }, "linux")).toBe("/xdg/algolang");
    expect(cacheFolder({}, "linux").endsWith(join(".cache", "algolang"))).toBe(true);
    expect(cacheFolder({}, "darwin").endsWith(join("Library", "Caches", "algolang"))).toBe(true);
    expect(cacheFolder({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32")).toBe(join("C:\\Users\\u\\AppData\\Local", "algolang", "Cache"));
  });
});

describe("algo build with the code cache", () => {
  it("writes the same files on the first run (cache written), the second (cache used) and with the cache off", () => {
    const cacheDir = join(dir, "c-build");
    const example = join(REPO, "examples/imbalance_maker.algo");
    const outs: string[] = [];
    for (const [i, env] of [{ ALGO_CACHE_DIR: cacheDir }, { ALGO_CACHE_DIR: cacheDir }, { ALGO_NO_CODE_CACHE: "1" }].entries()) {
      const out = join(dir, `build-${i}`);
      const r = spawnSync(process.execPath, [join(REPO, "bin/algo.js"), "build", example, "-o", out], {
        encoding: "utf8",
        env: { ...process.env, ALGO_CACHE_DIR: "", ALGO_NO_CODE_CACHE: "", ...env },
      });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/^built ImbalanceMaker: /);
      outs.push(["ts", "js", "js.map"].map((ext) => readFileSync(join(out, `imbalance_maker.${ext}`), "utf8")).join("\n---\n"));
      if (i === 0) expect(readdirSync(join(cacheDir, "v8")).filter((f) => f.startsWith("ts-morph-") && f.endsWith(".bin"))).toHaveLength(1);
    }
    expect(outs[1]).toBe(outs[0]);
    expect(outs[2]).toBe(outs[0]);
  });
});
