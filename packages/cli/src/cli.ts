// The tdl command: dispatches to subcommands, prints usage, and turns errors into messages and exit codes.
import { closestMatch, InvariantError, printable } from '@tdl/dsl';
import { UsageError } from '@tdl/runtime';
import { checkSpec, runCheck } from './commands/check.js';
import { compileSpec, runCompile } from './commands/compile.js';
import { exportSpec, runExport } from './commands/export.js';
import { fmtSpec, runFmt } from './commands/fmt.js';
import { graphSpec, runGraph } from './commands/graph.js';
import { infoSpec, runInfo } from './commands/info.js';
import { initSpec, runInit } from './commands/init.js';
import { logitsSpec, runLogits } from './commands/logits.js';
import { lspSpec, runLsp } from './commands/lsp.js';
import { quantizeSpec, runQuantize } from './commands/quantize.js';
import { runRun, runSpec } from './commands/run.js';
import { runServe, serveSpec } from './commands/serve.js';
import { runTest, testSpec } from './commands/test.js';
import { equivSpec, runEquiv } from './commands/equiv.js';
import { parseCommandArgs, usageOf, type CommandSpec, type ParsedArgs } from './flags.js';
import { errorLine, type CliIO } from './io.js';
import { ModelError } from './model.js';

export const VERSION = '0.1.0';

interface Command {
  readonly spec: CommandSpec;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export const COMMANDS: readonly Command[] = [
  { spec: checkSpec, run: runCheck },
  { spec: infoSpec, run: runInfo },
  { spec: fmtSpec, run: runFmt },
  { spec: graphSpec, run: runGraph },
  { spec: compileSpec, run: runCompile },
  { spec: initSpec, run: runInit },
  { spec: runSpec, run: runRun },
  { spec: logitsSpec, run: runLogits },
  { spec: serveSpec, run: runServe },
  { spec: exportSpec, run: runExport },
  { spec: testSpec, run: runTest },
  { spec: lspSpec, run: (args, io) => runLsp(args, io, VERSION) },
  { spec: quantizeSpec, run: runQuantize },
  { spec: equivSpec, run: runEquiv },
];

/** The top-level help: every command, then every command's flags with their defaults. */
export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  const list = COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`).join('\n');
  const details = COMMANDS.map((c) => usageOf(c.spec)).join('\n');
  return `tdl ${VERSION}: a language and compiler for transformer decoder architectures\n\nusage: tdl COMMAND [FLAGS]\n\ncommands:\n${list}\n\n${details}`;
}

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainUsage());
    return name ? 0 : 1;
  }
  if (name === '--version') {
    io.stdout.write(`tdl ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    const guess = closestMatch(name, COMMANDS.map((c) => c.spec.name));
    io.stderr.write(`tdl: error: unknown command '${printable(name)}'${guess ? `; did you mean 'tdl ${guess}'?` : ''} ('tdl --help' lists the commands)\n`);
    return 1;
  }
  try {
    const args = parseCommandArgs(command.spec, rest, COMMANDS.map((c) => c.spec));
    if (args.values['help']) {
      io.stdout.write(usageOf(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof ModelError || error instanceof UsageError) {
    // A message may quote what the user typed: control characters are shown, never sent to the terminal.
    io.stderr.write(errorLine(error.message));
    return 1;
  }
  if (error instanceof InvariantError) {
    io.stderr.write(`tdl: ${error.message}\n${error.stack ?? ''}\n`);
    return 70;
  }
  const e = error as Error;
  io.stderr.write(`tdl: internal error (a bug in tdl, please report it): ${e?.stack ?? String(error)}\n`);
  return 70;
}
