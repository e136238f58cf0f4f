// Arithmetic and activations compute on floats: token ids are embedded before anything else.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

const SIGNS = { add: '+', sub: '-', mul: '*' } as const;

export const floatOperands: CheckRule = {
  name: 'float-operands',
  readsShapes: false,
  node({ node }, ctx) {
    if (node.op === 'add' || node.op === 'sub' || node.op === 'mul') {
      const ids = ctx.types.get(node.a)!.dtype === 'i32' ? 'a' : ctx.types.get(node.b)!.dtype === 'i32' ? 'b' : undefined;
      if (!ids) return undefined;
      return diagnostic('E0310', node.argSpans[ids] ?? node.span, `'${SIGNS[node.op]}' takes float tensors, but ${ctx.describeArg(node, ids)} holds token ids`, {
        label: 'embed the ids first, e.g. `embedding(tokens, vocab, d)`',
      });
    }
    if (node.op !== 'activation' && node.op !== 'scale' && node.op !== 'softcap') return undefined;
    if (ctx.types.get(node.x)!.dtype !== 'i32') return undefined;
    const what = node.op === 'activation' ? node.fn : node.op === 'scale' ? 'scaling' : 'softcap';
    return diagnostic('E0310', node.span, `${what} takes a float tensor, but this holds token ids`, {
      label: 'embed the ids first, e.g. `embedding(tokens, vocab, d)`',
    });
  },
};
