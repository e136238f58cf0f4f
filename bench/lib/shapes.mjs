// The model shapes the speed benchmark runs: llama2.c's stories models and a grouped-query shape, all
// models/llama.tdl (RMSNorm, RoPE, SwiGLU, an untied head) with its constants set.
export const LLAMA = 'models/llama.tdl';

export const SHAPES = [
  { name: 'stories15M', set: { vocab: 32000, context: 256, d: 288, layers: 6, heads: 6, kv_heads: 6, d_ff: 768 } },
  { name: 'stories110M', set: { vocab: 32000, context: 1024, d: 768, layers: 12, heads: 12, kv_heads: 12, d_ff: 2048 } },
  { name: 'gqa-42M', set: { vocab: 32000, context: 512, d: 512, layers: 8, heads: 8, kv_heads: 2, d_ff: 1376 } },
];

/** The `--set` flags that make models/llama.tdl this shape. */
export function setFlags(shape) {
  return Object.entries(shape.set).map(([k, v]) => `--set ${k}=${v}`).join(' ');
}
