/**
 * `algo build FILE -o DIR [--graph [text|dot]]`: check a strategy, then write its generated
 * TypeScript, the JavaScript that runs, and a source map leading back to the `.algo` file. With
 * `--graph` the feature graph is printed (text or Graphviz DOT) so a user can see what will run.
 * Exit 0 built, 1 the program has errors, 2 usage or IO problems.
 */
import { makeOutDir } from "../out-dir.js";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { ExitCode, UserError } from "../errors.js";
import { readSourceFile } from "../source-file.js";

/** Registers `algo build`. */
export function register(program: Command): void {
  program
    .command("build")
    .description("Compile a strategy to TypeScript and JavaScript (with a source map to the .algo file)")
    .argument("<file>", "the strategy's .algo file")
    .option("-o, --out <dir>", "folder to write <name>.ts, <name>.js and <name>.js.map into")
    .option("--graph [format]", "print the feature graph: text (default) or dot")
    .action(async (file: string, opts: { out?: string; graph?: string | boolean }) => {
      if (opts.out) {
        // esbuild's service process (which bundles the .js at the end) starts now and gets ready
        // while the compiler and ts-morph load and run: one spawn, off the critical path.
        const esbuild = await import("esbuild");
        void esbuild.build({ stdin: { contents: "" }, write: false, logLevel: "silent" }).catch(() => undefined);
      }
      const { bundleStrategy, compileStrategy } = await import("../../compiler/build.js");
      const { hasErrors, renderPrettyAll, summaryLine } = await import("../../compiler/index.js");
      const { printGraphDot, printGraphText } = await import("../../compiler/graph/graph.js");
      const graphFormat = opts.graph === undefined ? undefined : opts.graph === true ? "text" : String(opts.graph);
      if (graphFormat !== undefined && graphFormat !== "text" && graphFormat !== "dot") {
        throw new UserError(`unknown --graph format \`${graphFormat}\`; expected text or dot`);
      }
      if (!opts.out && graphFormat === undefined) throw new UserError("nothing to do: give -o DIR to write the build, and/or --graph to print the feature graph");
      const read = readSourceFile(file);
      if ("problem" in read) throw new UserError(read.problem);
      const result = compileStrategy(file, read.text);
      const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
      if (result.diagnostics.length) {
        const body = renderPrettyAll(result.diagnostics, result.program.sources, { color });
        process.stderr.write(`${body}\n\n${summaryLine(result.diagnostics, result.program.files.length)}\n`);
      }
      if (hasErrors(result.diagnostics)) {
        process.exitCode = ExitCode.Failure;
        return;
      }
      if (!result.output) {
        // A feature unit has no strategy to build, but its graph can be shown.
        if (graphFormat && !opts.out) {
          const { compileFeatures } = await import("../../compiler/build.js");
          const { FeatureRequestError } = await import("../../compiler/emit/features.js");
          const params: Record<string, string> = {};
          for (const m of read.text.matchAll(/(\w+)\s*:\s*instrument\b/g)) params[m[1]!] = m[1]!;
          try {
            const f = compileFeatures(file, read.text, { instruments: params, params: {} });
            if (f.loaded) {
              process.stdout.write(graphFormat === "dot" ? printGraphDot(f.loaded.emitted.graph) : printGraphText(f.loaded.emitted.graph));
              return;
            }
          } catch (e) {
            if (e instanceof FeatureRequestError) throw new UserError(e.message);
            throw e;
          }
        }
        throw new UserError(`${file}: is not a strategy (no \`strategy\` declaration); \`--graph\` alone prints a feature unit's graph, and \`algo features\` computes it`);
      }
      const out = result.output;
      if (graphFormat) process.stdout.write(graphFormat === "dot" ? printGraphDot(out.emitted.graph) : printGraphText(out.emitted.graph));
      if (opts.out) {
        makeOutDir(opts.out);
        const { writeFileAtomic } = await import("../../runtime/analytics/atomic.js");
        const stem = basename(file).replace(/\.algo$/, "");
        const bundled = await bundleStrategy(out);
        const js = `${bundled.js}//# sourceMappingURL=${stem}.js.map\n`;
        const map = JSON.parse(bundled.jsMap) as { file?: string };
        map.file = `${stem}.js`;
        try {
          writeFileAtomic(join(opts.out, `${stem}.ts`), out.ts);
          writeFileAtomic(join(opts.out, `${stem}.js`), js);
          writeFileAtomic(join(opts.out, `${stem}.js.map`), JSON.stringify(map));
        } catch (e) {
          throw new UserError(`cannot write to ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stderr.write(`built ${out.emitted.className}: ${join(opts.out, `${stem}.ts`)}, ${stem}.js, ${stem}.js.map (${out.emitted.graph.nodes.length} feature operators)\n`);
      }
    });
}
