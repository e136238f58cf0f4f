// Hover shows the value's symbolic shape, its parameters and its FLOPs per token; the figures are
// worked out here by hand from llama.tdl's constants and docs/analysis.md's counting rules.
import { describe, expect, it } from 'vitest';
import { analyze, hover } from '../src/index.js';
import { offsetOf, openModel } from './helpers.js';

// Llama-2-7B as models/llama.tdl declares it.
const d = 4096, layers = 32, heads = 32, headDim = d / heads, context = 4096, dFf = 11008;
// One layer's self-attention at decode: four d×d projections, rotary on q and k, scores over the context.
const attnFlops = 2 * 4 * d * d + 3 * headDim * (heads + heads) + heads * (4 * headDim + 3) * context;
const num = (n: number) => n.toLocaleString('en-US');

describe('hover', () => {
  const doc = openModel('models/llama.tdl');

  it('shows the shape, parameters and FLOPs of a labelled call over all its layers', () => {
    const h = hover(doc, offsetOf(doc, 'self_attn: attention', 2))!;
    expect(h.shape).toBe(`f32[T, ${d}]`);
    expect(doc.text.slice(h.range.from, h.range.to)).toBe('self_attn: attention(h, heads, kv_heads = kv_heads, pos = positions, bias = false)');
    expect(h.contents).toContain(`parameters: ${num(4 * d * d * layers)} (${layers} layers)`);
    expect(h.contents).toContain(`FLOPs/token: ${num(attnFlops * layers)} (${layers} layers), decoding at context ${context}`);
  });

  it('counts the residual add in the assignment it belongs to', () => {
    const h = hover(doc, offsetOf(doc, 'x = x + self_attn'))!;
    expect(h.contents).toContain(`x: f32[T, ${d}]`);
    expect(h.contents).toContain(`FLOPs/token: ${num((attnFlops + d) * layers)} (`);
  });

  it('shows a gated MLP block call with its three projections and the norm in its argument', () => {
    const h = hover(doc, offsetOf(doc, 'mlp: gated_mlp', 1))!;
    expect(h.contents).toContain(`parameters: ${num((3 * d * dFf + d) * layers)} (${layers} layers)`);
    // The RMSNorm (5 per element), gate and up (2·d·d_ff each), silu (8 per element), the product (1), down (2·d_ff·d).
    expect(h.contents).toContain(`FLOPs/token: ${num((5 * d + 3 * 2 * d * dFf + 8 * dFf + dFf) * layers)} (`);
  });

  it('shows a name inside an expression with its shape and no cost of its own', () => {
    const h = hover(doc, offsetOf(doc, 'rms_norm(x,', 9))!;
    expect(doc.text.slice(h.range.from, h.range.to)).toBe('x');
    expect(h.shape).toBe(`f32[T, ${d}]`);
    expect(h.contents).toContain('parameters: 0\n');
  });

  it('shows the logits and a constant', () => {
    expect(hover(doc, offsetOf(doc, 'logits', 1))!.shape).toBe('f32[T, 32000]');
    expect(hover(doc, offsetOf(doc, 'd_ff = 11008', 1))!.contents).toContain('= 11008');
  });

  it("shows an operator's documentation from the registry on its name", () => {
    const h = hover(doc, offsetOf(doc, 'embedding(tokens', 3))!;
    expect(h.contents).toContain('embedding(');
    expect(h.contents).toContain('`ids`');
  });

  it('still shows shapes before the error in a file that does not check', () => {
    const bad = analyze(
      'bad.tdl',
      'model m {\n  const d = 64, heads = 3\n  input tokens: i32[T <= 16]\n  x = embedding(tokens, 100, d)\n  y = attention(x, heads)\n  output logits = linear(y, 100)\n}\n',
    );
    expect(bad.check.ok).toBe(false);
    expect(hover(bad, offsetOf(bad, 'x ='))!.shape).toBe('f32[T, 64]');
  });
});
