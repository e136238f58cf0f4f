// tdl check: diagnostics for model files; exit 1 if any has errors.
import { countParams } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, overrides, type CommandSpec, type ParsedArgs } from '../flags.js';
import type { CliIO } from '../io.js';
import { checkFile } from '../model.js';

export const checkSpec: CommandSpec = {
  name: 'check',
  args: 'FILE...',
  summary: 'Parse and check model files: syntax, names and every tensor shape. Exits 1 if any file has errors.',
  flags: [SET_FLAG],
};

export async function runCheck(args: ParsedArgs, io: CliIO): Promise<number> {
  if (!args.positionals.length) throw new UsageError('tdl check needs at least one model file');
  let failed = 0;
  for (const file of args.positionals) {
    const result = checkFile(io, file, overrides(args));
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    if (errors) {
      failed++;
      io.stdout.write(`${file}: ${errors} error${errors > 1 ? 's' : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}\n`);
    } else {
      const params = result.graph ? countParams(result.graph).total.toLocaleString('en-US') : '?';
      io.stdout.write(`${file}: ok, model ${result.graph?.name}, ${params} parameters${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}\n`);
    }
  }
  return failed ? 1 : 0;
}
