// A decoder computes attention one new token at a time, so queries come from the token stream, and
// keys and values either from the stream too (self-attention) or from memories alone (cross-attention).
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const attentionSources: CheckRule = {
  name: 'attention-sources',
  readsShapes: false,
  node({ node }, ctx) {
    if (node.op !== 'attention' || !ctx.tokens) return undefined;
    if (!ctx.fromTokens(node.q)) {
      const q = ctx.describeArg(node, 'q', node.q);
      const origin = ctx.describeOrigin(node.q);
      return diagnostic('E0316', node.argSpans['q'] ?? node.span, 'attention queries come from a memory, not the decoder', {
        label: `queries from ${q}${q === origin ? '' : ` (computed from ${origin} alone)`} give one row per memory position, not one per token`,
      });
    }
    const kTok = ctx.fromTokens(node.k);
    if (kTok === ctx.fromTokens(node.v)) return undefined;
    const [mem, id] = kTok ? (['v', node.v] as const) : (['k', node.k] as const);
    const other = mem === 'k' ? 'v' : 'k';
    return diagnostic('E0321', node.argSpans[mem] ?? node.span, `attention ${mem === 'k' ? 'keys' : 'values'} come from a memory, ${mem === 'k' ? 'values' : 'keys'} from the decoder`, {
      label: `${mem === 'k' ? 'keys' : 'values'} from ${ctx.describeArg(node, mem, id)}, ${other === 'k' ? 'keys' : 'values'} from ${ctx.describeArg(node, other)}: both must come from the decoder, or both from one memory`,
    });
  },
};
