#!/usr/bin/env node
// Entry point of the `algo` command: loads the bundled CLI built by `npm run build` (dist/boot.js
// runs `check`, `fmt` and `explain` from a code-cached bundle, the rest from dist/cli.js).
import { existsSync } from "node:fs";

const boot = new URL("../dist/boot.js", import.meta.url);
if (!existsSync(boot)) {
  process.stderr.write("algo: the command is not built yet; run `npm install` (or `npm run build`) in the package folder\n");
  process.exit(2);
}
await import(boot.href);
