// tdl lsp: the language server, speaking the Language Server Protocol over standard input and output.
import { createConnection } from 'vscode-languageserver/node';
import { boolFlag, overrides, SET_FLAG, type CommandSpec, type ParsedArgs } from '../flags.js';
import { UsageError } from '@tdl/runtime';
import type { CliIO } from '../io.js';
import { startServer } from '../lsp/server.js';

export const lspSpec: CommandSpec = {
  name: 'lsp',
  args: '[--stdio]',
  summary: 'Run the language server over stdin and stdout, for editors: diagnostics, hover shapes, inlay hints, definitions, symbols, formatting, completion.',
  flags: [{ name: 'stdio', type: 'boolean', doc: 'talk over stdin and stdout (the only transport; editors pass it)' }, SET_FLAG],
};

export async function runLsp(args: ParsedArgs, _io: CliIO, version: string): Promise<number> {
  boolFlag(args, 'stdio');
  if (args.positionals.length) throw new UsageError(`tdl lsp takes no files (editors send them over the protocol), got '${args.positionals[0]}'`);
  // Everything on the command line is checked before the protocol takes over stdin and stdout.
  const sets = overrides(args);
  const connection = createConnection(process.stdin, process.stdout);
  // Nothing but protocol messages may reach stdout: the server's own logging goes to stderr.
  console.log = (...xs: unknown[]) => process.stderr.write(`${xs.join(' ')}\n`);
  startServer(connection, { overrides: sets, version });
  return new Promise<number>(() => {
    // The connection ends the process when the editor sends `exit`.
  });
}
