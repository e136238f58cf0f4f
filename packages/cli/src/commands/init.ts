// tdl init: writes seeded random weights for a model as a safetensors file.
import { encodeSafetensors, initWeights, UsageError } from '@tdl/runtime';
import { SET_FLAG, numberFlag, overrides, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { writeAtomic, type CliIO } from '../io.js';
import { loadGraph, requireFile } from '../model.js';

export const initSpec: CommandSpec = {
  name: 'init',
  args: 'FILE --out F.safetensors',
  summary: "Write seeded random weights for a model (tensors named by the model's parameter paths).",
  flags: [
    { name: 'seed', type: 'string', value: 'N', default: '0', doc: 'random seed' },
    { name: 'dtype', type: 'string', value: 'f32|f16|bf16', default: 'f32', doc: 'storage type' },
    { name: 'out', type: 'string', value: 'FILE', doc: 'safetensors file to write' },
    SET_FLAG,
  ],
};

export async function runInit(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'init');
  const out = stringFlag(args, 'out');
  if (!out) throw new UsageError('tdl init needs --out FILE.safetensors');
  const dtype = (stringFlag(args, 'dtype') ?? 'f32').toUpperCase();
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new UsageError(`--dtype is f32, f16 or bf16, not '${stringFlag(args, 'dtype')}'`);
  const seed = numberFlag(args, 'seed', 0, { integer: true, min: 0 });
  const graph = loadGraph(io, file, overrides(args));
  const params = graph.params;
  const weights = initWeights(params, seed);
  const chunks = encodeSafetensors(
    params.map((p) => ({ name: p.name, shape: p.shape, data: weights.get(p.name)!, dtype })),
    { model: graph.name, seed: String(seed), generator: 'tdl init' },
  );
  writeAtomic(out, chunks);
  io.stdout.write(`${out}\n`);
  return 0;
}
