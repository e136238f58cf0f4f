// A sliding window shorter than the context is what makes it differ from a causal mask.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const slidingWindow: CheckRule = {
  name: 'sliding-window',
  readsShapes: false,
  node({ node }, ctx) {
    if (node.op !== 'attention' || node.mask.kind !== 'sliding' || ctx.context === undefined) return undefined;
    if (node.mask.window < ctx.context) return undefined;
    return diagnostic('W0405', node.argSpans['mask'] ?? node.span, `sliding window ${node.mask.window} is not shorter than the context of ${ctx.context} tokens`, {
      label: 'every token already sees its whole past: this is a plain causal mask',
    });
  },
};
