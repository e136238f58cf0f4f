// Rotary embeddings rotate pairs of channels within one head: an even count, at most head_dim.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const rotaryDim: CheckRule = {
  name: 'rotary-dim',
  run(ctx) {
    return ctx.sites.flatMap(({ node }) => {
      if (node.op !== 'attention' || !node.rope) return [];
      const span = node.argSpans['pos'] ?? node.span;
      if (node.rope.dim > node.headDim) {
        return [diagnostic('E0306', span, `rotary dimension ${node.rope.dim} is larger than the head dimension ${node.headDim}`)];
      }
      if (node.rope.dim % 2 !== 0 || node.rope.dim <= 0) {
        return [diagnostic('E0305', span, `rotary dimension ${node.rope.dim} is not a positive even number`, { label: 'rotary embeddings turn pairs of channels' })];
      }
      return [];
    });
  },
};
