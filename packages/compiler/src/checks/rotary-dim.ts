// Rotary embeddings rotate pairs of channels within one head: a positive even count, at most head_dim.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const rotaryDim: CheckRule = {
  name: 'rotary-dim',
  // Without an explicit head_dim, the head dimension follows from the query width.
  readsShapes: true,
  node({ node }) {
    if (node.op !== 'attention' || !node.rope) return undefined;
    const span = node.argSpans['pos'] ?? node.span;
    const { dim } = node.rope;
    if (dim > node.headDim) {
      return diagnostic('E0306', span, `rotary dimension ${dim} is larger than the head dimension ${node.headDim}`, {
        label: `rope rotates channels within one head; use at most ${node.headDim}`,
      });
    }
    if (dim % 2 !== 0 || dim <= 0) {
      return diagnostic('E0305', span, `rotary dimension ${dim} is not a positive even number`, { label: 'rotary embeddings turn pairs of channels' });
    }
    return undefined;
  },
};
