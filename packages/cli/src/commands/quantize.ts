// tdl quantize: writes a LLaMA-family checkpoint as a GGUF file in llama.cpp's names, its matrices in Q8_0 or Q4_0.
import {
  fromFloat32,
  GGML_QUANTIZATION_VERSION,
  ggufChunks,
  LLAMA_FILE_TYPE,
  llamaGgufName,
  quantizeQ4_0,
  quantizeQ8_0,
  UsageError,
  exportNamed,
  type GgufTensorToWrite,
  type GgufValue,
} from '@tdl/runtime';
import type { Graph } from '@tdl/compiler';
import { SET_FLAG, overrides, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { writeAtomic, type CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { findNaming, loadCheckpoint, namingsOf } from '../weights.js';

export const quantizeSpec: CommandSpec = {
  name: 'quantize',
  args: 'FILE --weights IN --to q8_0|q4_0 --out OUT.gguf',
  summary: "Write a LLaMA-family checkpoint as GGUF with llama.cpp's tensor names, its matrices in Q8_0 or Q4_0 blocks.",
  flags: [
    { name: 'weights', type: 'string', value: 'FILE', doc: 'the checkpoint to read: a file, a sharded index (.index.json) or a folder' },
    { name: 'to', type: 'string', value: 'q8_0|q4_0', doc: 'the block format of the matrices (norms stay f32)' },
    { name: 'out', type: 'string', value: 'FILE', doc: 'GGUF file to write' },
    SET_FLAG,
  ],
};

const FORMATS = { q8_0: { type: 'Q8_0', quantize: quantizeQ8_0 }, q4_0: { type: 'Q4_0', quantize: quantizeQ4_0 } } as const;

export async function runQuantize(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'quantize');
  const input = stringFlag(args, 'weights');
  const to = stringFlag(args, 'to');
  const out = stringFlag(args, 'out');
  if (!input) throw new UsageError('tdl quantize needs --weights FILE (the checkpoint to quantize)');
  if (to !== 'q8_0' && to !== 'q4_0') throw new UsageError(`tdl quantize needs --to q8_0 or --to q4_0${to === undefined ? '' : `, not '${to}'`}`);
  if (!out) throw new UsageError('tdl quantize needs --out FILE.gguf');
  const { graph, namings } = loadModel(io, file, overrides(args));
  const all = namingsOf(graph.params, namings);
  if (!all.some((p) => p.naming === 'meta')) {
    throw new UsageError(`tdl quantize writes llama.cpp's names for the LLaMA family, mapped from a model's 'meta' checkpoint section; model '${graph.name}' has none`);
  }
  const meta = findNaming(all, 'meta', graph.name);
  const metadata = llamaMetadata(graph, to);
  const { weights } = await loadCheckpoint(input, graph.params, namings, { model: graph.name, io });
  const format = FORMATS[to];
  // Every name and shape is checked before the file is begun.
  const tensors: GgufTensorToWrite[] = exportNamed(meta, weights).map((t) => {
    const name = llamaGgufName(t.name);
    if (!name) throw new UsageError(`model '${graph.name}': its 'meta' tensor '${t.name}' has no llama.cpp name`);
    const blocks = t.shape.length === 2 && t.shape[1]! % 32 === 0;
    if (t.shape.length === 2 && !blocks) throw new UsageError(`'${t.name}' [${t.shape.join(', ')}] has rows of ${t.shape[1]} values, not whole ${to} blocks of 32`);
    return blocks
      ? { name, type: format.type, shape: t.shape, data: () => format.quantize(t.data()) }
      : { name, type: 'F32', shape: t.shape, data: () => fromFloat32(t.data(), 'F32') };
  });
  writeAtomic(out, ggufChunks(metadata, tensors));
  io.stdout.write(`${out}\n`);
  return 0;
}

/** llama.cpp's hyper-parameter keys, from the model's constants (those it has). */
function llamaMetadata(graph: Graph, to: keyof typeof FORMATS): Map<string, GgufValue> {
  const c = graph.consts;
  const need = (name: string): number => {
    const v = c[name];
    if (v === undefined) throw new UsageError(`tdl quantize needs the model's constant '${name}' for the GGUF metadata; model '${graph.name}' has none`);
    return v;
  };
  const u32 = (value: number): GgufValue => ({ type: 'UINT32', value });
  const heads = need('heads');
  const metadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'STRING', value: 'llama' }],
    ['general.name', { type: 'STRING', value: graph.name }],
    ['general.file_type', u32(to === 'q8_0' ? LLAMA_FILE_TYPE.Q8_0 : LLAMA_FILE_TYPE.Q4_0)],
    ['general.quantization_version', u32(GGML_QUANTIZATION_VERSION)],
    ['llama.vocab_size', u32(need('vocab'))],
    ['llama.context_length', u32(need('context'))],
    ['llama.embedding_length', u32(need('d'))],
    ['llama.block_count', u32(need('layers'))],
    ['llama.feed_forward_length', u32(need('d_ff'))],
    ['llama.attention.head_count', u32(heads)],
    ['llama.attention.head_count_kv', u32(c['kv_heads'] ?? heads)],
    ['llama.rope.dimension_count', u32(need('d') / heads)],
  ]);
  if (c['eps'] !== undefined) metadata.set('llama.attention.layer_norm_rms_epsilon', { type: 'FLOAT32', value: c['eps'] });
  if (c['theta'] !== undefined) metadata.set('llama.rope.freq_base', { type: 'FLOAT32', value: c['theta'] });
  return metadata;
}
