/**
 * The VS Code client of the algo language server: starts `algo lsp --stdio` (the command set in
 * `algo.server.path`) for `.algo` files and restarts it when the setting changes.
 */
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const command = vscode.workspace.getConfiguration("algo").get<string>("server.path") || "algo";
  const run = { command, args: ["lsp", "--stdio"], transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "algo" }, { scheme: "untitled", language: "algo" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.algo") },
    initializationOptions: { debounceMs: vscode.workspace.getConfiguration("algo").get<number>("server.debounceMs") ?? 150 },
  };
  client = new LanguageClient("algo", "algo", serverOptions(), clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(`algo: could not start \`algo lsp --stdio\` (${String(err)}). Install algo or set "algo.server.path".`);
  }
}

/** Called by VS Code when an `.algo` file opens. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await start(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration("algo.server")) return;
      if (client) await client.stop();
      await start(context);
    }),
  );
}

/** Called by VS Code on shutdown. */
export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
