// "The GGUF file is the model": its metadata picks the model file (general.architecture) and gives the
// constants, read through the file's Hugging Face config section after a translation of llama.cpp's
// keys to config.json's; its tensors load through the model's `gguf` checkpoint section.
import { readConfig } from '@tdl/compiler';
import { openGgufStore, UsageError, type GgufHeader, type GgufValue } from '@tdl/runtime';
import { claimFolder, resolveTarget, type ModelTarget } from './folder.js';
import { overrides, type ParsedArgs } from './flags.js';
import { openFileSource } from './io.js';

/** Whether a command's model argument (or --weights) names a GGUF file. */
export function isGguf(path: string | undefined): path is string {
  return path !== undefined && path.toLowerCase().endsWith('.gguf');
}

/** The GGUF header of `path` (checked whole, tensor types included), reading no tensor data. */
export async function readGgufFile(path: string): Promise<GgufHeader> {
  const source = openFileSource(path);
  try {
    return (await openGgufStore(path, source)).header;
  } finally {
    source.close();
  }
}

/** config.json's key for each hyper-parameter key of an architecture ARCH (`ARCH.block_count` …). */
const CONFIG_KEYS: Readonly<Record<string, string>> = {
  context_length: 'max_position_embeddings',
  embedding_length: 'hidden_size',
  block_count: 'num_hidden_layers',
  feed_forward_length: 'intermediate_size',
  'attention.head_count': 'num_attention_heads',
  'attention.head_count_kv': 'num_key_value_heads',
  'attention.layer_norm_rms_epsilon': 'rms_norm_eps',
  'rope.freq_base': 'rope_theta',
  vocab_size: 'vocab_size',
};

/** Keys checked against the model rather than read: the head width (d / heads for LLaMA), no RoPE scaling. */
const CHECKED = new Set(['rope.dimension_count', 'attention.key_length', 'attention.value_length', 'rope.scaling.type']);
const REQUIRED = ['embedding_length', 'block_count', 'feed_forward_length', 'attention.head_count'];

/** The Hugging Face classes each GGUF architecture stands for (the model file is the one claiming them). */
const ARCHITECTURES: Readonly<Record<string, { modelType: string; className: string }>> = {
  llama: { modelType: 'llama', className: 'LlamaForCausalLM' },
};

function numberOf(v: GgufValue | undefined, key: string, file: string): number | undefined {
  if (v === undefined) return undefined;
  if (v.type === 'UINT64' || v.type === 'INT64') return Number(v.value);
  if (v.type !== 'ARRAY' && typeof v.value === 'number') return v.value;
  throw new UsageError(`${file}: ${key} is a ${v.type}; a number was expected`);
}

/**
 * config.json as Hugging Face would write it for the model a GGUF header describes; refuses, by key, an
 * architecture tdl does not map, a missing hyper-parameter, and any ARCH.* key it would otherwise ignore.
 */
export function ggufConfig(header: GgufHeader, file: string): Record<string, unknown> {
  const meta = header.metadata;
  const archValue = meta.get('general.architecture');
  if (archValue?.type !== 'STRING') throw new UsageError(`${file}: no general.architecture string, so no model file can be chosen`);
  const arch = archValue.value;
  const known = ARCHITECTURES[arch];
  if (!known) throw new UsageError(`${file}: general.architecture '${arch}' has no model file tdl maps GGUF files to (it maps: ${Object.keys(ARCHITECTURES).join(', ')})`);
  const config: Record<string, unknown> = { model_type: known.modelType, architectures: [known.className] };
  const get = (key: string) => numberOf(meta.get(`${arch}.${key}`), `${arch}.${key}`, file);
  for (const key of REQUIRED) if (get(key) === undefined) throw new UsageError(`${file}: no ${arch}.${key}`);
  for (const key of meta.keys()) {
    if (!key.startsWith(`${arch}.`)) continue;
    const rest = key.slice(arch.length + 1);
    if (!(rest in CONFIG_KEYS) && !CHECKED.has(rest)) throw new UsageError(`${file}: ${key} is not a key tdl reads for '${arch}' (the model file has no constant for it)`);
  }
  for (const [rest, configKey] of Object.entries(CONFIG_KEYS)) {
    const value = get(rest);
    if (value !== undefined) config[configKey] = value;
  }
  const scaling = meta.get(`${arch}.rope.scaling.type`);
  if (scaling && !(scaling.type === 'STRING' && scaling.value === 'none')) {
    throw new UsageError(`${file}: ${arch}.rope.scaling.type is ${scaling.type === 'STRING' ? `'${scaling.value}'` : 'set'}; tdl reads GGUF files without RoPE scaling`);
  }
  const headDim = get('embedding_length')! / get('attention.head_count')!;
  for (const key of ['rope.dimension_count', 'attention.key_length', 'attention.value_length']) {
    const value = get(key);
    if (value !== undefined && value !== headDim) throw new UsageError(`${file}: ${arch}.${key} is ${value}, but the model's heads are ${headDim} wide (embedding_length / head_count)`);
  }
  const tokens = meta.get('tokenizer.ggml.tokens');
  if (config['vocab_size'] === undefined && tokens?.type === 'ARRAY') config['vocab_size'] = tokens.items.length;
  if (config['vocab_size'] === undefined) config['vocab_size'] = header.tensors.get('token_embd.weight')?.shape[0];
  // llama.cpp writes no output.weight when the head is the embedding.
  config['tie_word_embeddings'] = !header.tensors.has('output.weight');
  return config;
}

/** The model a GGUF file is: the model file claiming its architecture, its constants (--set wins), the file as its weights. */
export async function ggufTarget(path: string, args: ParsedArgs): Promise<ModelTarget> {
  const header = await readGgufFile(path);
  const config = ggufConfig(header, path);
  const tokenizer = header.metadata.get('tokenizer.ggml.model');
  const claimant = claimFolder(path, config);
  const reading = readConfig(claimant.section, config, overrides(args));
  if (reading.problems.length) throw new UsageError(`${path} does not fit ${claimant.file}: ${reading.problems.join('; ')}`);
  return {
    file: claimant.file,
    overrides: { ...reading.values },
    gguf: path,
    ...(tokenizer?.type === 'STRING' ? { ggufTokenizer: tokenizer.value } : {}),
    ...(reading.tied !== undefined ? { tied: reading.tied } : {}),
  };
}

/** A command's model argument resolved: a GGUF file (its header read), else as `resolveTarget` does. */
export async function resolveModelTarget(positional: string, args: ParsedArgs): Promise<ModelTarget> {
  return isGguf(positional) ? ggufTarget(positional, args) : resolveTarget(positional, args);
}
