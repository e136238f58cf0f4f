// Grouped-query attention shares each key/value head among a whole number of query heads.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const kvHeadsDivideHeads: CheckRule = {
  name: 'kv-heads-divide-heads',
  readsShapes: false,
  node({ node }) {
    if (node.op !== 'attention' || node.heads % node.kvHeads === 0) return undefined;
    return diagnostic('E0304', node.argSpans['kv_heads'] ?? node.span, `${node.kvHeads} key/value heads do not divide ${node.heads} query heads`, {
      label: `each key/value head serves an equal group of query heads; use a divisor of ${node.heads}`,
    });
  },
};
