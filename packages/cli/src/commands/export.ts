// tdl export: rewrites a checkpoint in another naming of the model (Hugging Face ↔ parameter paths …).
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget, withFolderWeights } from '../folder.js';
import type { CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { findNaming, loadCheckpoint, namingsOf, parseWriteDType, writeCheckpoint } from '../weights.js';

export const exportSpec: CommandSpec = {
  name: 'export',
  args: 'FILE|DIR [--weights IN] --naming NAME --out OUT.safetensors',
  summary: 'Read a checkpoint in any naming of the model and write it in the naming NAME (tensor names and layouts).',
  flags: [
    { name: 'weights', type: 'string', value: 'FILE', doc: 'the checkpoint to read: a file, a sharded index (.index.json) or a folder' },
    { name: 'from', type: 'string', value: 'NAME', default: 'the one the file fits', doc: 'the naming of --weights' },
    { name: 'naming', type: 'string', value: 'NAME', doc: "the naming to write: 'internal' or a checkpoint section of the model" },
    { name: 'dtype', type: 'string', value: 'f32|f16|bf16', default: 'f32', doc: 'storage type' },
    { name: 'out', type: 'string', value: 'FILE', doc: 'safetensors file to write' },
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runExport(given: ParsedArgs, io: CliIO): Promise<number> {
  const target = resolveTarget(requireFile(given.positionals, 'export'), given);
  const args = withFolderWeights(given, target);
  const file = target.file;
  const input = stringFlag(args, 'weights');
  const namingName = stringFlag(args, 'naming');
  const out = stringFlag(args, 'out');
  if (!input) throw new UsageError('tdl export needs --weights FILE (the checkpoint to rewrite), or a Hugging Face folder holding it');
  if (!namingName) throw new UsageError("tdl export needs --naming NAME (the naming to write: 'internal' or a checkpoint section)");
  if (!out) throw new UsageError('tdl export needs --out FILE.safetensors');
  const dtype = parseWriteDType(stringFlag(args, 'dtype'));
  const { graph, namings } = loadModel(io, file, target.overrides);
  const plan = findNaming(namingsOf(graph.params, namings), namingName, graph.name);
  const from = stringFlag(args, 'from');
  const { weights, naming } = await loadCheckpoint(input, graph.params, namings, { model: graph.name, io, ...(from !== undefined ? { naming: from } : {}), ...(target.tied !== undefined ? { tied: target.tied } : {}) });
  writeCheckpoint(out, plan, weights, dtype, { model: graph.name, generator: 'tdl export', from: naming });
  io.stdout.write(`${out}\n`);
  return 0;
}
