// Config sections read config.json as their rules say: keys, dotted paths, first_of, defaults computed
// from earlier constants, null as absent unless if_null says what it means, expect, tied, and given
// constants over all of it; their form and names are checked with located diagnostics.
import { describe, expect, it } from 'vitest';
import { checkSource, claimStrength, readConfig, type ConfigSection } from '../../src/index.js';

const MODEL = (section: string) => `model m {
  const vocab = 100, d = 16, heads = 2, kv_heads = 2, window = 8
  input tokens: i32[T <= 32]
  x = embed: embedding(tokens, vocab, d)
  x = x + attn: attention(x, heads, kv_heads = kv_heads, mask = sliding(window))
  output logits = head: linear(norm: layer_norm(x), vocab)
${section}
}
`;

const SECTION = `  config hf(model_type = "m", architectures = ["MForCausalLM"]) {
    vocab    <- "vocab_size" | default(100)
    d        <- first_of("n_embd", "hidden_size")
    heads    <- "attn.heads" | default(2)
    kv_heads <- "num_key_value_heads" | default(heads)
    window   <- "sliding_window" | default(8) | if_null(32)
    tied     <- "tie_word_embeddings" | default(true)
    _        <- "act" | default("gelu") | expect("gelu", "gelu_new")
    _        <- "inner" | expect(4 * d)
  }`;

function section(text = MODEL(SECTION)): ConfigSection {
  const result = checkSource({ name: 'm.tdl', text });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.configs[0]!;
}

describe('reading config.json', () => {
  it('takes keys, the first of alternatives, dotted paths, and defaults from earlier constants', () => {
    const r = readConfig(section(), { hidden_size: 64, attn: { heads: 8 } });
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({ vocab: 100, d: 64, heads: 8, kv_heads: 8, window: 8 });
    expect(r.tied).toBe(true);
    expect(r.origins).toMatchObject({ d: 'hidden_size', heads: 'attn.heads', kv_heads: 'default of num_key_value_heads' });
    expect(readConfig(section(), { n_embd: 32, hidden_size: 64 }).values['d']).toBe(32);
  });

  it('reads null as absent, unless if_null gives its meaning', () => {
    expect(readConfig(section(), { hidden_size: 64, num_key_value_heads: null }).values['kv_heads']).toBe(2);
    expect(readConfig(section(), { hidden_size: 64, sliding_window: null }).values['window']).toBe(32);
    expect(readConfig(section(), { hidden_size: 64, inner: null }).problems).toEqual([]);
  });

  it('lets given constants win, and feeds them to the defaults after them', () => {
    const r = readConfig(section(), { hidden_size: 64, attn: { heads: 8 } }, { heads: 4, d: 12 });
    expect(r.values).toMatchObject({ d: 12, heads: 4, kv_heads: 4 });
    expect(r.origins['heads']).toBe('--set');
  });

  it('names what does not fit: a missing key, a value not a number, a setting the file does not compute', () => {
    expect(readConfig(section(), {}).problems).toEqual(["config.json has no n_embd or hidden_size (it gives 'd')"]);
    // A string is a constant now (read-kinds.test.ts); an object is not.
    expect(readConfig(section(), { hidden_size: { width: 64 } }).problems).toEqual([
      String.raw`config.json's n_embd or hidden_size is "{\"width\":64}", not a number, a string or a list of numbers (it gives 'd')`,
    ]);
    expect(readConfig(section(), { hidden_size: 64, act: 'relu' }).problems).toEqual(['config.json sets act = "relu", but the model file computes "gelu" or "gelu_new"']);
    expect(readConfig(section(), { hidden_size: 64, inner: 100 }).problems).toEqual(['config.json sets inner = 100, but the model file computes 256']);
    expect(readConfig(section(), { hidden_size: 64, tie_word_embeddings: 'yes' }).problems).toEqual([`config.json's tie_word_embeddings is "yes", not true or false`]);
  });

  it('claims a folder by architectures first, then by model_type', () => {
    const s = section();
    expect(claimStrength(s, { architectures: ['MForCausalLM'], model_type: 'other' })).toBe(2);
    expect(claimStrength(s, { architectures: ['MModel'], model_type: 'm' })).toBe(1);
    expect(claimStrength(s, { model_type: 'llama' })).toBe(0);
  });
});

describe('checking config sections and presets', () => {
  const errors = (section: string) =>
    checkSource({ name: 'm.tdl', text: MODEL(section) })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);

  it('points at a rule or preset that sets no constant', () => {
    expect(errors('  config hf {\n    widht <- "w"\n  }')).toEqual(["E0601 8:5 this rule sets 'widht', which is not a constant of this model"]);
    expect(errors('  preset "small": dd = 8')).toEqual(['E0601 7:19 preset "small" sets \'dd\', which is not a constant of this model']);
  });

  it('points at rules of the wrong form', () => {
    expect(errors('  config hf {\n    heads <- "h" | default(d)\n    d <- "d"\n  }')).toEqual(["E0602 8:28 'd' is not given by an earlier rule of this section"]);
    expect(errors('  config hf {\n    _ <- "act"\n  }')).toEqual(['E0602 8:5 a rule for `_` sets nothing, so it needs `| expect(…)`']);
    expect(errors('  config hf {\n    d <- "d" | scale(2)\n  }')).toEqual(["E0602 8:16 'scale' is not a config step here"]);
    expect(errors('  config hf {\n    d <- concat(0, "a", "b")\n  }')).toEqual(['E0602 8:10 a config rule reads a "key", or first_of("key", "other_key", …)']);
    expect(errors('  config hf(kind = "x") {\n    d <- "d"\n  }')).toEqual(['E0602 7:13 a config section claims folders by `model_type = "…"` and `architectures = ["…"]`']);
  });

  it('points at presets of the wrong form', () => {
    expect(errors('  preset "a b": d = 8')).toEqual(['E0603 7:10 "a b" is not a preset name']);
    // A string is a value a preset may set; one of the wrong kind for its constant is E0213 when applied.
    expect(errors('  preset "x": d = "big"')).toEqual([]);
    expect(errors('  preset "x": d = 8, d = 4')).toEqual(["E0603 7:22 'd' is set twice"]);
  });
});
