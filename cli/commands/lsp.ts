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
      startServer();
      // The connection keeps the process alive; it exits on the client's `exit` notification.
      await new Promise<void>(() => undefined);
    });
}
