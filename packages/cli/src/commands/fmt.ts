// tdl fmt: prints, checks or rewrites model files in the canonical layout.
import { format, hasErrors, parse } from '@tdl/dsl';
import { UsageError } from '@tdl/runtime';
import { boolFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { readText, writeAtomic, type CliIO } from '../io.js';
import { printDiagnostics } from '../model.js';

export const fmtSpec: CommandSpec = {
  name: 'fmt',
  args: 'FILE...',
  summary: 'Format model files in the one canonical layout (comments kept). Prints the result unless --check or --write.',
  flags: [
    { name: 'check', type: 'boolean', doc: 'list files whose layout differs and exit 1 if any do' },
    { name: 'write', type: 'boolean', doc: 'rewrite files in place' },
  ],
};

export async function runFmt(args: ParsedArgs, io: CliIO): Promise<number> {
  if (!args.positionals.length) throw new UsageError('tdl fmt needs at least one model file');
  const check = boolFlag(args, 'check');
  const write = boolFlag(args, 'write');
  if (check && write) throw new UsageError('--check and --write do not go together');
  let status = 0;
  for (const file of args.positionals) {
    const text = readText(file);
    const parsed = parse({ name: file, text });
    if (hasErrors(parsed.diagnostics)) {
      printDiagnostics(io, { source: { name: file, text }, diagnostics: parsed.diagnostics, checkpoints: [], ok: false });
      io.stderr.write(`${file}: not formatted, it has syntax errors\n`);
      status = 1;
      continue;
    }
    const formatted = format(parsed.ast, text);
    if (check) {
      if (formatted !== text) {
        io.stdout.write(`${file}: not formatted\n`);
        status = 1;
      }
    } else if (write) {
      if (formatted !== text) writeAtomic(file, formatted);
    } else io.stdout.write(formatted);
  }
  return status;
}
