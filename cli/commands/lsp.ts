/**
 * `algo lsp --stdio`: the language server (editor/server) speaking LSP over stdin/stdout, for any
 * editor (VS Code, Neovim, Helix, Emacs, Zed). Diagnostics come from the same compiler as
 * `algo check`.
 */
import type { Command } from "commander";
import { UserError } from "../errors.js";

/** Registers `algo lsp`. */
export function register(program: Command): void {
  program
    .command("lsp")
    .description("Run the language server (LSP over stdio) for editors")
    .option("--stdio", "talk LSP over stdin/stdout (the only transport)")
    .action(async (opts: { stdio?: boolean }) => {
      if (!opts.stdio) throw new UserError("`algo lsp` needs `--stdio` (the server speaks LSP over stdin/stdout)");
      const { startServer } = await import("../../editor/server/server.js");
      let shutdown = false;
      startServer(undefined, { shutdown: () => (shutdown = true) });
      // The connection keeps the process alive and exits on the client's \`exit\` notification. A
      // client that goes away without one closes stdin: exit as LSP says for \`exit\` — 0 after a
      // shutdown request, 1 otherwise.
      await new Promise<void>((resolve) => process.stdin.once("close", resolve).once("end", resolve));
      process.exit(shutdown ? 0 : 1);
    });
}
