// tdl graph: the model's IR as a Mermaid or Graphviz DOT diagram, repeat regions collapsed.
import { exportGraph } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget } from '../folder.js';
import type { CliIO } from '../io.js';
import { loadGraph, requireFile } from '../model.js';

export const graphSpec: CommandSpec = {
  name: 'graph',
  args: 'FILE',
  summary: "Draw the model's IR: one box per operation, each distinct layer body once.",
  flags: [{ name: 'format', type: 'string', value: 'mermaid|dot', default: 'mermaid', doc: 'diagram language' }, PRESET_FLAG, SET_FLAG],
};

export async function runGraph(args: ParsedArgs, io: CliIO): Promise<number> {
  const target = resolveTarget(requireFile(args.positionals, 'graph'), args);
  const format = stringFlag(args, 'format') ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format is mermaid or dot, not '${format}'`);
  io.stdout.write(exportGraph(loadGraph(io, target.file, target.overrides), format));
  return 0;
}
