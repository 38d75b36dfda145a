/**
 * What bin/algo.js loads for a quick subcommand (dist/boot.cjs, a small CommonJS bundle of its
 * own; cli/fast-commands.ts): it runs from dist/fast.cjs through a V8 code cache (cli/fast.ts),
 * loaded synchronously. The cache only ever costs time: stale, unreadable or unwritable, the bundle
 * is compiled from its source as any module is (cli/code-cache.ts), and a build without
 * dist/fast.cjs runs the full command, dist/cli.js (as bin/algo.js does for the other commands).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FAST_COMMANDS } from "./fast-commands.js";

/** dist/fast.cjs's content hash, written in by scripts/build.mjs (part of the cache's key). */
declare const __ALGO_FAST_HASH__: string | undefined;

async function boot(argv: string[]): Promise<void> {
  const command = argv[2];
  if (command !== undefined && FAST_COMMANDS.includes(command)) {
    const fast = fileURLToPath(new URL("./fast.cjs", import.meta.url));
    let run: ((argv: string[]) => Promise<number>) | undefined;
    if (existsSync(fast)) {
      // Loaded here only (bundled, initialised on first use): the other commands skip its modules.
      const { requireWithCodeCache } = await import("./code-cache.js");
      const hash = typeof __ALGO_FAST_HASH__ === "string" ? __ALGO_FAST_HASH__ : undefined;
      try {
        run = (requireWithCodeCache(fast, undefined, { variant: command, hash, dynamicImport: true }) as { run(argv: string[]): Promise<number> }).run;
      } catch (err) {
        // A bundle that does not load (damaged install): the full command does the same work.
        if (process.env.ALGO_DEBUG === "1") process.stderr.write(`algo: dist/fast.cjs did not load (${(err as Error)?.message}); running the full command\n`);
      }
    }
    if (run) {
      process.exitCode = await run(argv);
      return;
    }
  }
  await import(new URL("./cli.js", import.meta.url).href);
}

void boot(process.argv);
