#!/usr/bin/env node
// Entry point of the `algo` command: loads the bundled CLI built by `npm run build`. The quick
// subcommands (the list is cli/fast-commands.ts; test/cli/fast-path.test.ts keeps this copy equal)
// run from dist/boot.cjs, which loads the code-cached CommonJS bundle dist/fast.cjs synchronously;
// every other command imports dist/cli.js.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const QUICK = ["check", "fmt", "explain"];
const cli = new URL("../dist/cli.js", import.meta.url);
const boot = fileURLToPath(new URL("../dist/boot.cjs", import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write("algo: the command is not built yet; run `npm install` (or `npm run build`) in the package folder\n");
  process.exit(2);
}
if (QUICK.includes(process.argv[2]) && existsSync(boot)) createRequire(import.meta.url)(boot);
else await import(cli.href);
