// The VS Code side of tdl: starts `tdl lsp --stdio` for .tdl files and hands it the open documents.
// @ts-check
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} _context */
async function activate(_context) {
  const config = vscode.workspace.getConfiguration('tdl.server');
  const command = config.get('command', 'tdl');
  const args = config.get('args', ['lsp']);
  // TransportKind.stdio adds `--stdio`, which `tdl lsp` accepts.
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient('tdl', 'tdl language server', { run: server, debug: server }, { documentSelector: [{ language: 'tdl' }] });
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
