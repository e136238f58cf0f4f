// A config section reads numbers, strings and lists of numbers from config.json into constants (booleans
// as 0 and 1), with defaults of each kind, and refuses a value that is none of these (read.test.ts: the rest).
import { describe, expect, it } from 'vitest';
import { modelSettings, readConfig } from '../../src/index.js';

const FILE = `model m {
  const vocab = 16, d = 16, tie = 0, kind = "default", short = [1]
  input tokens: i32[T <= 8]
  x = embedding(tokens, vocab, d)
  output logits = head: linear(x, vocab)

  config hf(model_type = "m") {
    vocab <- "vocab_size" | default(16)
    tie   <- "tie_word_embeddings" | default(false)
    kind  <- first_of("rope_parameters.rope_type", "rope_scaling.type") | default("default")
    short <- "rope_parameters.short_factor" | default([1, 1])
    _     <- "rope_parameters.rope_type" | expect("default", "longrope")
  }
}
`;

const section = () => {
  const s = modelSettings({ name: 'm.tdl', text: FILE });
  expect(s.diagnostics).toEqual([]);
  return s.configs[0]!;
};

describe('config values of every kind', () => {
  it('the defaults, of each kind, when config.json says nothing', () => {
    expect(readConfig(section(), {}).values).toEqual({ vocab: 16, tie: 0, kind: 'default', short: [1, 1] });
  });

  it('strings, lists and booleans as config.json holds them', () => {
    const r = readConfig(section(), { vocab_size: 32, tie_word_embeddings: true, rope_parameters: { rope_type: 'longrope', short_factor: [1, 1.5] } });
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({ vocab: 32, tie: 1, kind: 'longrope', short: [1, 1.5] });
    expect(r.origins['short']).toBe('rope_parameters.short_factor');
    // Older files: the kind under rope_scaling.type.
    expect(readConfig(section(), { rope_scaling: { type: 'linear' } }).values['kind']).toBe('linear');
  });

  it('refuses a kind the file does not compute, and a list of other things than numbers', () => {
    expect(readConfig(section(), { rope_parameters: { rope_type: 'yarn' } }).problems).toEqual([
      'config.json sets rope_parameters.rope_type = "yarn", but the model file computes "default" or "longrope"',
    ]);
    expect(readConfig(section(), { rope_parameters: { short_factor: ['a'] } }).problems).toEqual([
      `config.json's rope_parameters.short_factor is "[\\"a\\"]", not a number, a string or a list of numbers (it gives 'short')`,
    ]);
  });
});
