// tdl info: parameters, FLOPs per token, KV-cache and weight memory, as a table or JSON.
import { analyze, countParams } from '@tdl/compiler';
import { exact, formatInfo } from '@tdl/language-service';
import { SET_FLAG, boolFlag, numberFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget } from '../folder.js';
import type { CliIO } from '../io.js';
import { checkFile, loadModel, requireFile } from '../model.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  args: 'FILE|DIR',
  summary: 'Show what a model costs: parameters (total and per component), FLOPs per token, KV cache and weight memory.',
  flags: [
    { name: 'context', type: 'string', value: 'N', default: "the model's context", doc: 'context length for FLOPs and the full KV cache' },
    { name: 'memory-length', type: 'string', value: 'S', default: "the memory's bound, else the context", doc: 'memory rows for cross-attention FLOPs' },
    { name: 'json', type: 'boolean', doc: 'print JSON instead of a table' },
    { name: 'presets', type: 'boolean', doc: 'list the published sizes the model file names, with their parameters' },
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runInfo(args: ParsedArgs, io: CliIO): Promise<number> {
  const target = resolveTarget(requireFile(args.positionals, 'info'), args);
  const file = target.file;
  const context = numberFlag(args, 'context', 0, { integer: true, min: 1 });
  const memoryLength = numberFlag(args, 'memory-length', 0, { integer: true, min: 1 });
  if (boolFlag(args, 'presets')) return listPresets(io, file, args);
  const { graph } = loadModel(io, file, target.overrides);
  const info = analyze(graph, { ...(context ? { context } : {}), ...(memoryLength ? { memoryLength } : {}) });
  io.stdout.write(boolFlag(args, 'json') ? JSON.stringify({ file, ...info }, null, 2) + '\n' : formatInfo(info, file));
  return 0;
}

/** `tdl info FILE --presets`: each preset with its parameter count, one a line (or JSON). */
function listPresets(io: CliIO, file: string, args: ParsedArgs): number {
  const checked = checkFile(io, file, {}, false);
  const rows = checked.presets.map((p) => {
    const graph = checkFile(io, file, p.values, false).graph;
    return { name: p.name, params: graph ? countParams(graph).total : undefined, sets: p.values };
  });
  if (boolFlag(args, 'json')) io.stdout.write(JSON.stringify({ file, presets: rows }, null, 2) + '\n');
  else if (!rows.length) io.stdout.write(`${file} names no presets\n`);
  else {
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      const sets = Object.entries(r.sets).map(([k, v]) => `${k}=${v}`).join(' ');
      io.stdout.write(`${r.name.padEnd(width)}  ${r.params !== undefined ? exact(r.params).padStart(15) : 'has errors'.padStart(15)} parameters  ${sets || '(the file\'s own values)'}\n`);
    }
  }
  return 0;
}
