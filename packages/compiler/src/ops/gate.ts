// tanh_gate: multiplies a tensor by tanh of a learned scalar (Flamingo's gated cross-attention).
import { ERROR } from '../lower/values.js';
import type { OpDef } from './op.js';
import { anyError, tensorArg } from './read-args.js';

export const tanhGate: OpDef = {
  name: 'tanh_gate',
  summary:
    'Multiplies `x` by tanh(g), g a learned scalar (`weight [1]`, initialised to 0 so the gate starts closed): the gates of Flamingo and Llama 3.2 Vision around cross-attention and its feed-forward network.',
  shapes: '[...] -> [...]',
  args: [{ name: 'x', kind: 'tensor', doc: 'input' }],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x')!;
    if (x.type.dtype !== 'f32') return ctx.error('E0310', x.span, 'tanh_gate takes a float tensor, but this holds token ids');
    const weight = ctx.param('weight', [1], { kind: 'zeros' });
    return ctx.emit({ op: 'tanh_gate', x: x.id, weight, span: ctx.call.span, argSpans: { x: x.span }, label: ctx.label });
  },
};
