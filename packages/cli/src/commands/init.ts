// tdl init: writes seeded random weights for a model as a safetensors file, in any of its namings.
import { initWeights, UsageError } from '@tdl/runtime';
import { SET_FLAG, numberFlag, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget } from '../folder.js';
import type { CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { findNaming, namingsOf, parseWriteDType, writeCheckpoint } from '../weights.js';

export const initSpec: CommandSpec = {
  name: 'init',
  args: 'FILE --out F.safetensors',
  summary: 'Write seeded random weights for a model, named by its parameter paths or in one of its checkpoint namings.',
  flags: [
    { name: 'seed', type: 'string', value: 'N', default: '0', doc: 'random seed' },
    { name: 'dtype', type: 'string', value: 'f32|f16|bf16', default: 'f32', doc: 'storage type' },
    { name: 'naming', type: 'string', value: 'NAME', default: 'internal', doc: "tensor names and layouts: 'internal' (parameter paths) or a checkpoint section of the model" },
    { name: 'out', type: 'string', value: 'FILE', doc: 'safetensors file to write' },
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runInit(args: ParsedArgs, io: CliIO): Promise<number> {
  const target = resolveTarget(requireFile(args.positionals, 'init'), args);
  const file = target.file;
  const out = stringFlag(args, 'out');
  if (!out) throw new UsageError('tdl init needs --out FILE.safetensors');
  const dtype = parseWriteDType(stringFlag(args, 'dtype'));
  const seed = numberFlag(args, 'seed', 0, { integer: true, min: 0 });
  const { graph, namings } = loadModel(io, file, target.overrides);
  const plan = findNaming(namingsOf(graph.params, namings), stringFlag(args, 'naming') ?? 'internal', graph.name);
  const weights = initWeights(graph.params, seed);
  writeCheckpoint(out, plan, weights, dtype, { model: graph.name, seed: String(seed), generator: 'tdl init' });
  io.stdout.write(`${out}\n`);
  return 0;
}
