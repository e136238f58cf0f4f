// The model shapes the speed benchmark runs: llama2.c's stories models and a grouped-query shape, all
// models/llama.tdl (RMSNorm, RoPE, SwiGLU, an untied head) with its constants set.
import { readFileSync } from 'node:fs';
import { compiler } from './packages.mjs';
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

/** The shape named `name` (a measuring script's first argument), and models/llama.tdl checked at it. */
export function checkedShape(name) {
  const shape = SHAPES.find((s) => s.name === name);
  if (!shape) throw new Error(`unknown shape ${name}`);
  const root = new URL('../../', import.meta.url).pathname;
  const checked = compiler.checkSource({ name: LLAMA, text: readFileSync(root + LLAMA, 'utf8') }, { overrides: shape.set });
  if (!checked.ok) throw new Error(`${LLAMA} does not check with ${JSON.stringify(shape.set)}`);
  return { shape, graph: checked.graph };
}
