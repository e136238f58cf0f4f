// tdl graph: the model's IR as a Mermaid or Graphviz DOT diagram, repeat regions collapsed.
import { exportGraph } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, overrides, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import type { CliIO } from '../io.js';
import { loadGraph, requireFile } from '../model.js';

export const graphSpec: CommandSpec = {
  name: 'graph',
  args: 'FILE',
  summary: "Draw the model's IR: one box per operation, each distinct layer body once.",
  flags: [{ name: 'format', type: 'string', value: 'mermaid|dot', default: 'mermaid', doc: 'diagram language' }, SET_FLAG],
};

export async function runGraph(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'graph');
  const format = stringFlag(args, 'format') ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format is mermaid or dot, not '${format}'`);
  io.stdout.write(exportGraph(loadGraph(io, file, overrides(args)), format));
  return 0;
}
