// attention: scores, mask, softmax and the weighted sum of values in one kernel; rope: rotary embeddings.
import type { AttentionNode, Rope } from '../../../ir/nodes.js';
import { ropeAttentionFactor } from '../../../ir/rope-frequencies.js';
import { f32Literal } from '../wgsl.js';
import type { KernelSpec } from '../kernel-set.js';
import { ELEMENTWISE_THREADS } from './elementwise.js';

const THREADS = 64;

export function attentionKernel(node: AttentionNode, cross: boolean): KernelSpec {
  const { heads, kvHeads, headDim, mask } = node;
  const maskText = mask.kind === 'sliding' ? `sliding window ${mask.window}` : mask.kind === 'causal' ? 'causal' : 'unmasked';
  const extras = [node.alibi ? 'ALiBi' : '', node.softcap > 0 ? `scores soft-capped at ${node.softcap}` : ''].filter(Boolean);
  const description = `${cross ? 'Cross' : 'Self'}-attention: ${heads} heads × ${headDim}, ${kvHeads} key/value heads, ${maskText}${extras.length ? ', ' + extras.join(', ') : ''}.`;
  const maskName = mask.kind === 'sliding' ? `sliding${mask.window}` : mask.kind;
  return {
    template: 'attention',
    base: `attention_${heads}x${headDim}${kvHeads !== heads ? `_kv${kvHeads}` : ''}_${maskName}${node.alibi ? '_alibi' : ''}${node.softcap > 0 ? '_softcap' : ''}`,
    summary: `attention: q [rows, ${heads * headDim}], keys and values [keys, ${kvHeads * headDim}] -> [rows, ${heads * headDim}]`,
    view: {
      heads,
      kvHeads,
      headDim,
      group: heads / kvHeads,
      qWidth: heads * headDim,
      kvWidth: kvHeads * headDim,
      scale: f32Literal(node.scale),
      causal: mask.kind === 'causal',
      sliding: mask.kind === 'sliding',
      unmasked: mask.kind === 'none',
      window: mask.kind === 'sliding' ? mask.window : 0,
      softcap: node.softcap > 0 ? f32Literal(node.softcap) : '',
      alibi: node.alibi,
      threads: THREADS,
      channels: Math.ceil(headDim / THREADS),
      description,
    },
    bindings: node.alibi ? ['read', 'read', 'read', 'read-write', 'read'] : ['read', 'read', 'read', 'read-write'],
    invocations: THREADS,
    workgroupStorage: (headDim + THREADS) * 4,
  };
}

export function ropeKernel(heads: number, headDim: number, rope: Rope): KernelSpec {
  const s = rope.scaling;
  const scaled = s.kind !== 'none';
  const original = s.kind === 'dynamic' || s.kind === 'longrope' ? s.original : 0;
  const scaling = scaled ? { scaled, scaling: s.kind, attention: f32Literal(ropeAttentionFactor(s)), original } : { scaled };
  const long = s.kind === 'longrope';
  const ntk = s.kind === 'dynamic' ? { ntk: true, theta: f32Literal(rope.theta), factor: f32Literal(s.factor) } : { ntk: false };
  return {
    template: 'rope',
    base: `rope_${heads}x${headDim}${rope.dim !== headDim ? `_${rope.dim}` : ''}${rope.layout === 'interleaved' ? '_interleaved' : ''}${scaled ? `_${s.kind}` : ''}`,
    summary: `rope: [rows, ${heads} × ${headDim}] in place, ${rope.dim} channels per head${scaled ? `, ${s.kind} scaling` : ''}`,
    view: { heads, headDim, pairs: rope.dim / 2, rotated: rope.dim, layout: rope.layout, half: rope.layout === 'half', threads: ELEMENTWISE_THREADS, long, ...scaling, ...ntk },
    bindings: long ? ['read-write', 'read', 'read'] : ['read-write', 'read'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}
