// Masks fit the attention: a causal or sliding mask orders the decoder's own positions (not a memory's),
// and self-attention over the decoder is masked causally so each token sees only its past.
import { diagnostic, type Diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const attentionMasks: CheckRule = {
  name: 'attention-masks',
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const { node } of ctx.sites) {
      if (node.op !== 'attention' || !ctx.tokens || !ctx.fromTokens(node.q)) continue;
      const self = ctx.fromTokens(node.k) && ctx.fromTokens(node.v);
      const memory = !ctx.fromTokens(node.k) && !ctx.fromTokens(node.v);
      const span = node.argSpans['mask'] ?? node.span;
      if (memory && node.mask.kind !== 'none') {
        out.push(
          diagnostic('E0313', span, `a ${node.mask.kind} mask across ${ctx.describeOrigin(node.k)}`, {
            label: 'memory positions have no order relative to the tokens; use `mask = none`',
          }),
        );
      } else if (self && node.mask.kind === 'none') {
        out.push(
          diagnostic('E0317', span, 'self-attention without a causal mask', {
            label: 'each token would see tokens after it; use `causal` or `sliding(w)`',
          }),
        );
      }
    }
    return out;
  },
};
