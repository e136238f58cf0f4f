// Masks fit the attention: a causal or sliding mask orders the decoder's own positions (not a memory's),
// and self-attention over the decoder is masked causally so each token sees only its past.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const attentionMasks: CheckRule = {
  name: 'attention-masks',
  readsShapes: false,
  node({ node }, ctx) {
    if (node.op !== 'attention' || !ctx.tokens || !ctx.fromTokens(node.q)) return undefined;
    const self = ctx.fromTokens(node.k) && ctx.fromTokens(node.v);
    const span = node.argSpans['mask'] ?? node.span;
    if (!self && node.mask.kind !== 'none') {
      return diagnostic('E0313', span, `a ${node.mask.kind} mask across a memory`, {
        label: `keys come from ${ctx.describeArg(node, 'k', node.k)}, whose positions have no order relative to the tokens; use \`mask = none\``,
      });
    }
    if (self && node.mask.kind === 'none') {
      return diagnostic('E0317', span, 'self-attention without a causal mask', {
        label: 'each token would see the tokens after it; use `causal` or `sliding(w)`',
      });
    }
    return undefined;
  },
};
