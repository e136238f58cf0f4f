// Rotary and ALiBi positions relate a query's position to a key's, so they belong to self-attention:
// memory rows have no position in the token stream.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const attentionPositions: CheckRule = {
  name: 'attention-positions',
  readsShapes: false,
  node({ node }, ctx) {
    if (node.op !== 'attention' || !ctx.tokens || !(node.rope || node.alibi)) return undefined;
    if (ctx.fromTokens(node.k) && ctx.fromTokens(node.v)) return undefined;
    const what = node.rope ? 'rotary positions' : 'ALiBi biases';
    return diagnostic('E0319', node.argSpans['pos'] ?? node.span, `${what} across a memory`, {
      label: `keys come from ${ctx.describeArg(node, 'k', node.k)}, whose rows have no position in the token stream; drop \`pos\` here`,
    });
  },
};
