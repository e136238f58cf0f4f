// A decoder computes attention one new token at a time, so queries come from the token stream, and
// keys and values either from the stream too (self-attention) or from memories alone (cross-attention).
import { diagnostic, type Diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const attentionSources: CheckRule = {
  name: 'attention-sources',
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const { node } of ctx.sites) {
      if (node.op !== 'attention' || !ctx.tokens) continue;
      if (!ctx.fromTokens(node.q)) {
        out.push(
          diagnostic('E0316', node.argSpans['q'] ?? node.span, 'attention queries come from the memory, not the decoder', {
            label: `queries from ${ctx.describeOrigin(node.q)} give one row per memory position, not per token`,
          }),
        );
        continue;
      }
      const kTok = ctx.fromTokens(node.k);
      const vTok = ctx.fromTokens(node.v);
      if (kTok !== vTok) {
        const [tok, mem] = kTok ? ['k', 'v'] : ['v', 'k'];
        out.push(
          diagnostic('E0312', node.argSpans[mem] ?? node.span, `attention ${mem === 'k' ? 'keys' : 'values'} come from ${ctx.describeOrigin(mem === 'k' ? node.k : node.v)}, ${tok === 'k' ? 'keys' : 'values'} from the token stream`, {
            label: 'keys and values must both come from the decoder, or both from a memory',
          }),
        );
      }
    }
    return out;
  },
};
