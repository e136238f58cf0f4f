// tdl compile: writes the generated code for a target into a folder.
import { join } from 'node:path';
import { generateCpuModule } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, overrides, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { writeAtomic, type CliIO } from '../io.js';
import { loadGraph, requireFile } from '../model.js';

export const compileSpec: CommandSpec = {
  name: 'compile',
  args: 'FILE --out DIR',
  summary: 'Generate code for a model: for the CPU, one TypeScript module calling @tdl/runtime-cpu.',
  flags: [
    { name: 'target', type: 'string', value: 'cpu', default: 'cpu', doc: 'what to generate' },
    { name: 'out', type: 'string', value: 'DIR', doc: 'folder to write into (created if missing)' },
    SET_FLAG,
  ],
};

export async function runCompile(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'compile');
  const target = stringFlag(args, 'target') ?? 'cpu';
  const out = stringFlag(args, 'out');
  if (!out) throw new UsageError('tdl compile needs --out DIR');
  if (target !== 'cpu') throw new UsageError(`unknown --target '${target}': use cpu`);
  const graph = loadGraph(io, file, overrides(args));
  const path = join(out, `${graph.name}.ts`);
  writeAtomic(path, generateCpuModule(graph, file).typescript);
  io.stdout.write(`${path}\n`);
  return 0;
}
