// Inlay shapes, go to definition, document symbols, formatting and completion on real model files.
import { describe, expect, it } from 'vitest';
import { analyze, complete, definition, documentSymbols, formatDocument, inlayHints, type DocumentSymbol } from '../src/index.js';
import { lineColumn, offsetOf, openModel } from './helpers.js';

describe('inlay hints', () => {
  it('put the shape at the end of every assignment and output', () => {
    const doc = openModel('models/llama.tdl');
    const hints = inlayHints(doc).map((h) => `${lineColumn(doc.text, h.offset).line} ${h.label}`);
    // Lines 20, 32, 33, 34 and 36–41 of llama.tdl: x, h, x, x and the logits (the rotary positions of
    // lines 21–30 are no tensor).
    expect(hints).toEqual(['20 : f32[T, 4096]', '32 : f32[T, 4096]', '33 : f32[T, 4096]', '34 : f32[T, 4096]', '41 : f32[T, 32000]']);
  });

  it('show no shape on a line with an error', () => {
    const doc = openModel('models/errors/shape-residual-width.tdl');
    const hints = inlayHints(doc).map((h) => `${lineColumn(doc.text, h.offset).line} ${h.label}`);
    expect(hints).toEqual(['8 : f32[T, 64]', '10 : f32[T, 64]', '13 : f32[T, 1000]']);
  });
});

describe('definition', () => {
  const doc = openModel('models/llama.tdl');
  const at = (r: { from: number } | undefined) => (r ? doc.text.slice(r.from, r.from + 20) : undefined);

  it('goes from a use of a constant to its binding', () => {
    expect(at(definition(doc, offsetOf(doc, 'kv_heads = kv_heads', 12)))).toMatch(/^kv_heads = 32,/);
  });

  it('goes from a variable to the assignment that reaches it', () => {
    const r = definition(doc, offsetOf(doc, 'attention(h,', 10))!;
    expect(doc.text.slice(r.from, r.to)).toBe('h');
    expect(r.from).toBe(offsetOf(doc, 'h = input_layernorm'));
    // `x` on the right of `x = x + …` is the x of the line before, not the one being assigned.
    const use = definition(doc, offsetOf(doc, 'x = x + mlp', 4))!;
    expect(use.from).toBe(offsetOf(doc, 'x = x + self_attn'));
  });

  it('goes from a checkpoint path to the label it names, and from a block call to the block', () => {
    expect(at(definition(doc, offsetOf(doc, 'layers.{i}.self_attn.{p}', 12)))).toMatch(/^self_attn: attention/);
    const blocks = analyze('b.tdl', 'block twice(x) {\n  return x + x\n}\nmodel m {\n  input tokens: i32[T <= 8]\n  output logits = twice(embedding(tokens, 10, 10))\n}\n');
    const r = definition(blocks, offsetOf(blocks, 'twice(embedding'))!;
    expect(r.from).toBe(offsetOf(blocks, 'twice(x)'));
  });
});

describe('document symbols', () => {
  it('list the model, its constants, input, labelled layers, repeat, output, presets, config and checkpoints', () => {
    const doc = openModel('models/llama.tdl');
    const show = (s: DocumentSymbol): string => `${s.kind} ${s.name}${s.children.length ? ` [${s.children.map(show).join(', ')}]` : ''}`;
    expect(documentSymbols(doc).map(show)).toEqual([
      'model llama [constant vocab, constant context, constant d, constant layers, constant heads, constant kv_heads, constant d_ff, constant theta, constant eps, constant tie, ' +
        'constant rope_type, constant rope_factor, constant original_context, constant low_freq_factor, constant high_freq_factor, constant beta_fast, constant beta_slow, input tokens, ' +
        'layer embed_tokens, repeat layers [layer input_layernorm, layer self_attn, layer mlp, layer post_attention_layernorm], output logits [layer lm_head, layer norm], ' +
        'preset llama-2-7b, preset tinyllama-1.1b, preset llama-3-8b, preset llama-3.1-8b, preset llama-3.2-1b, preset llama-3.2-3b, config hf, checkpoint hf, checkpoint meta, checkpoint gguf]',
    ]);
  });
});

describe('formatting', () => {
  it('gives the canonical layout of tdl fmt, nothing for a formatted file or one that does not parse', () => {
    const messy = 'model m {\n  input tokens: i32[T<=8]\n    output logits=linear( embedding(tokens,10,4),10 )\n}\n';
    expect(formatDocument({ name: 'm.tdl', text: messy })).toBe('model m {\n  input tokens: i32[T <= 8]\n  output logits = linear(embedding(tokens, 10, 4), 10)\n}\n');
    expect(formatDocument(openModel('models/llama.tdl'))).toBeUndefined();
    expect(formatDocument({ name: 'm.tdl', text: 'model m {\n  x = (\n}\n' })).toBeUndefined();
  });
});

describe('completion', () => {
  it("offers an operator's arguments inside its call, with the registry's docs", () => {
    const text = 'model m {\n  input tokens: i32[T <= 8]\n  x = embedding(tokens, 10, 4)\n  y = attention(x, 2, kv_h';
    const doc = analyze('m.tdl', text);
    const { from, items } = complete(doc, text.length);
    expect(text.slice(from)).toBe('kv_h');
    const arg = items.find((i) => i.kind === 'argument' && i.label === 'kv_heads')!;
    expect(arg.insert).toBe('kv_heads = ');
    expect(arg.documentation).toMatch(/grouped-query/);
  });

  it("offers a prelude block's parameters inside its call, and its doc comment with its name", () => {
    const text = 'model m {\n  input tokens: i32[T <= 8]\n  x = embedding(tokens, 10, 4)\n  y = gated_mlp(x, 8, a';
    const doc = analyze('m.tdl', text);
    const items = complete(doc, text.length).items;
    expect(items.find((i) => i.kind === 'argument' && i.label === 'act')?.insert).toBe('act = ');
    const all = complete(analyze('m.tdl', 'model m {\n  y = '), 'model m {\n  y = '.length).items;
    expect(all.find((i) => i.label === 'gated_mlp')!.documentation).toMatch(/SwiGLU/);
  });

  it('offers operator names, blocks, constants and variables where an expression starts', () => {
    const text = 'model m {\n  const width = 4\n  input tokens: i32[T <= 8]\n  x = embedding(tokens, 10, width)\n  y = ';
    const doc = analyze('m.tdl', text);
    const labels = complete(doc, text.length).items.map((i) => `${i.kind} ${i.label}`);
    expect(labels).toEqual(expect.arrayContaining(['function rms_norm', 'function attention', 'function gated_mlp', 'constant width', 'variable x', 'word causal']));
    expect(complete(doc, text.length).items.find((i) => i.label === 'rms_norm')!.documentation).toMatch(/rms_norm\(/);
  });
});
