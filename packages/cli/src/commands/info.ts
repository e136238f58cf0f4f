// tdl info: parameters, FLOPs per token, KV-cache and weight memory, as a table or JSON.
import { analyze } from '@tdl/compiler';
import { formatInfo } from '@tdl/language-service';
import { SET_FLAG, boolFlag, numberFlag, overrides, type CommandSpec, type ParsedArgs } from '../flags.js';
import type { CliIO } from '../io.js';
import { loadGraph, requireFile } from '../model.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  args: 'FILE',
  summary: 'Show what a model costs: parameters (total and per component), FLOPs per token, KV cache and weight memory.',
  flags: [
    { name: 'context', type: 'string', value: 'N', default: "the model's context", doc: 'context length for FLOPs and the full KV cache' },
    { name: 'memory-length', type: 'string', value: 'S', default: "the memory's bound, else the context", doc: 'memory rows for cross-attention FLOPs' },
    { name: 'json', type: 'boolean', doc: 'print JSON instead of a table' },
    SET_FLAG,
  ],
};

export async function runInfo(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'info');
  const context = numberFlag(args, 'context', 0, { integer: true, min: 1 });
  const memoryLength = numberFlag(args, 'memory-length', 0, { integer: true, min: 1 });
  const graph = loadGraph(io, file, overrides(args));
  const info = analyze(graph, { ...(context ? { context } : {}), ...(memoryLength ? { memoryLength } : {}) });
  io.stdout.write(boolFlag(args, 'json') ? JSON.stringify({ file, ...info }, null, 2) + '\n' : formatInfo(info, file));
  return 0;
}
