// Starts `pipelint server` for YAML files that are pipelines (a top-level `pipeline:` key).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("pipelint");
  const command = config.get("path", "pipelint");
  const serverOptions = { command, args: ["server"] };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "yaml" }],
    initializationOptions: { debounceMilliseconds: config.get("debounceMilliseconds", 150) },
    // Configuration changes re-lint open files.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/.pipelint.yml") },
  };
  client = new LanguageClient("pipelint", "pipelint", serverOptions, clientOptions);
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
