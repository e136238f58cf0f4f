// tdl check: diagnostics for model files; exit 1 if any has errors.
import { countParams } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, plural, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget } from '../folder.js';
import { errorLine, type CliIO } from '../io.js';
import { checkFile } from '../model.js';

export const checkSpec: CommandSpec = {
  name: 'check',
  args: 'FILE|DIR...',
  summary: 'Parse and check model files: syntax, names and every tensor shape. Exits 1 if any file has errors.',
  flags: [PRESET_FLAG, SET_FLAG],
};

export async function runCheck(args: ParsedArgs, io: CliIO): Promise<number> {
  if (!args.positionals.length) throw new UsageError("tdl check needs at least one model file ('tdl check --help' shows how)");
  let failed = 0;
  for (const file of args.positionals) {
    let result;
    try {
      const target = resolveTarget(file, args);
      result = checkFile(io, target.file, target.overrides);
    } catch (error) {
      // One unreadable file does not stop the others from being checked.
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(errorLine(error.message));
      io.stdout.write(`${file}: not checked\n`);
      failed++;
      continue;
    }
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    const warned = warnings ? `, ${plural(warnings, 'warning')}` : '';
    if (errors) {
      failed++;
      io.stdout.write(`${file}: ${plural(errors, 'error')}${warned}\n`);
    } else {
      const params = result.graph ? countParams(result.graph).total.toLocaleString('en-US') : '?';
      io.stdout.write(`${file}: ok, model ${result.graph?.name}, ${params} parameters${warned}\n`);
    }
  }
  if (args.positionals.length > 1) {
    io.stdout.write(failed ? `${plural(failed, 'file')} of ${args.positionals.length} failed\n` : `all ${args.positionals.length} files ok\n`);
  }
  return failed ? 1 : 0;
}
