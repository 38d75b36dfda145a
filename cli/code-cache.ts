/**
 * Loading a large bundled CommonJS file with a V8 code cache. Used by the build (dist/) for
 * ts-morph and the TypeScript it carries: `require("ts-morph")` costs ~0.5 s of CPU in every
 * `algo build` (read 9 MB, compile, run TypeScript's top level), most of it compiling. With the
 * code V8 compiled during an earlier run, the load takes about half as long. And for algo's own
 * quick commands (`algo check`, `fmt`, `explain`: dist/fast.cjs, see cli/fast.ts), one cache per
 * command, keyed also by the bundle's content hash.
 *
 * Node 20 has no compile cache of its own (module.enableCompileCache is Node 22), and the
 * maintained require hooks (v8-compile-cache) cache code as compiled before it runs, which misses
 * the functions compiled lazily while it runs — here they are most of the cost, and such a cache
 * measured no faster than none. So the cache is taken at exit, after the run
 * (`script.createCachedData()`), once: later runs reuse it.
 *
 * The cache is a file per (bundle and its folder, algo version, Node/V8 version, architecture,
 * bundle size and mtime, and for algo's own bundle its content hash and the subcommand) under the
 * user's cache folder (`ALGO_CACHE_DIR`, else `$XDG_CACHE_HOME/algolang`, else
 * `~/.cache/algolang`; `%LOCALAPPDATA%\algolang` on Windows, `~/Library/Caches/algolang` on
 * macOS), written atomically (temp file, then rename). V8 checks only the source's length (and its
 * own version and flags) and rejects a cache that does not match — hence the size, mtime and hash
 * in the key; a rejected cache is written anew, and the caches of other versions of that bundle
 * (same folder and subcommand) are deleted (one file per bundle is kept). Any failure to read or
 * write the cache only costs time. `ALGO_NO_CODE_CACHE=1` turns it off.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script, constants as vmConstants } from "node:vm";
import { VERSION } from "./version.js";

/** What happened to the cache on the last load (for tests and bench/startup.ts). */
export interface CodeCacheInfo {
  /** The cache file, or undefined when caching is off. */
  file: string | undefined;
  /** "used": V8 accepted the cache; "absent": none yet; "rejected": stale, written anew. */
  state: "used" | "absent" | "rejected" | "off";
}

/** The folder that holds algo's caches. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ALGO_CACHE_DIR) return env.ALGO_CACHE_DIR;
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "algolang", "Cache");
  if (platform === "darwin") return join(homedir(), "Library", "Caches", "algolang");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "algolang");
}

/**
 * A file of dist/vendor/ (bundled dependencies, see scripts/build.mjs), from the bundled chunk
 * this code is in (dist/ or dist/chunks/).
 */
export function vendorFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(basename(here) === "chunks" ? dirname(here) : here, "vendor", name);
}

const pending: Array<() => void> = [];
let exitHooked = false;

/** Writes the caches that this process still owes (at exit; tests call it directly). */
export function flushCodeCaches(): void {
  for (const write of pending.splice(0)) write();
}

/** Options of `requireWithCodeCache`. */
export interface CodeCacheOptions {
  /**
   * A cache of its own for this use of the file (`check`: the code one command compiled), kept
   * beside the caches of the file's other variants.
   */
  variant?: string;
  /** The file's content hash (from the build), part of the cache's key besides size and mtime. */
  hash?: string;
  /** Let the file's `import()` load ES modules (as in a module Node loads itself). */
  dynamicImport?: boolean;
}

/**
 * `require(path)` of a CommonJS file, compiled from (and, when there is none yet, saved to) a V8
 * code cache. Returns the module's exports.
 */
export function requireWithCodeCache(path: string, info?: CodeCacheInfo, options: CodeCacheOptions = {}): unknown {
  const source = readFileSync(path, "utf8");
  const stem = cacheStem(path, options.variant);
  let file: string | undefined;
  let cached: Buffer | undefined;
  if (process.env.ALGO_NO_CODE_CACHE !== "1") {
    try {
      const st = statSync(path);
      const key = [process.versions.v8, process.arch, st.size, Math.trunc(st.mtimeMs), ...(options.hash ? [options.hash] : [])].join("-").replace(/[^\w.-]/g, "_");
      file = join(cacheFolder(), "v8", `${stem}${key}.bin`);
      cached = readFileSync(file);
    } catch {
      cached = undefined;
    }
  }
  // The same wrapper Node puts around a CommonJS module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: path,
    ...(cached ? { cachedData: cached } : {}),
    ...(options.dynamicImport ? { importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const state: CodeCacheInfo["state"] = file === undefined ? "off" : !cached ? "absent" : script.cachedDataRejected ? "rejected" : "used";
  if (info) {
    info.file = file;
    info.state = state;
  }
  const mod = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(path), mod, path, dirname(path));
  if (file !== undefined && state !== "used") {
    const target = file;
    pending.push(() => writeCache(script, target, stem));
    if (!exitHooked) {
      exitHooked = true;
      process.once("exit", flushCodeCaches);
    }
  }
  return mod.exports;
}

/**
 * Deletes the caches of other versions of the same bundle (another algo, Node or bundle build):
 * only the one just written can be used, and each is ~8 MB. Temp files of other processes stay.
 */
function removeOlderCaches(file: string, stem: string): void {
  const dir = dirname(file);
  const name = basename(file);
  const legacy = legacyStem(stem);
  for (const other of readdirSync(dir)) {
    if (other === name || !other.endsWith(".bin")) continue;
    if (!other.startsWith(stem) && !(legacy !== undefined && other.startsWith(legacy) && !INSTALL_HASH.test(other.slice(legacy.length)))) continue;
    try {
      rmSync(join(dir, other), { force: true });
    } catch {
      // Another process may be removing it too.
    }
  }
}

/**
 * The start of the cache file names of a bundle: its name (and variant), the algo version and a
 * hash of the bundle's folder ("ts-morph-0.1.0-1a2b3c4d-", "fast.check-0.1.0-1a2b3c4d-"): two
 * installs of algo (two projects) keep a cache each instead of deleting each other's.
 */
function cacheStem(path: string, variant?: string): string {
  const name = `${basename(path).replace(/\.c?js$/, "")}${variant ? `.${variant}` : ""}`;
  return `${name}-${VERSION}-${fnv1a(dirname(path))}-`.replace(/[^\w.-]/g, "_");
}

/**
 * The stem caches had before it named the install folder (`ts-morph-0.1.0-` then the V8 version):
 * such files can never be used again, and each is ~8 MB, so they go with this install's older
 * caches. A name of the current form has the install hash right after the stem (INSTALL_HASH).
 */
function legacyStem(stem: string): string | undefined {
  const m = /^(.*-)[0-9a-f]{8}-$/.exec(stem);
  return m ? m[1] : undefined;
}
const INSTALL_HASH = /^[0-9a-f]{8}-/;

/** FNV-1a, 32 bits, as 8 hex digits (a name, not a checksum: no crypto module to load). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function writeCache(script: Script, file: string, stem: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const data = script.createCachedData();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
    removeOlderCaches(file, stem);
  } catch {
    // A cache that cannot be written only costs time on the next run.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is missing or not a folder: nothing was written.
    }
  }
}
