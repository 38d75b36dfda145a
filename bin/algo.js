#!/usr/bin/env node
// Entry point of the `algo` command: loads the bundled CLI built by `npm run build`. CommonJS
// (bin/package.json), as is dist/boot.cjs, which runs `check`, `fmt` and `explain` from a
// code-cached bundle and imports dist/cli.js for the rest: a quick command loads synchronously,
// without starting Node's ES module loader.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const boot = join(__dirname, "..", "dist", "boot.cjs");
if (!existsSync(boot)) {
  process.stderr.write("algo: the command is not built yet; run `npm install` (or `npm run build`) in the package folder\n");
  process.exit(2);
}
require(boot);
