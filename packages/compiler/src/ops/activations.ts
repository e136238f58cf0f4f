// Element-wise functions: the activations (also as `activation(x, fn)`) and soft-capping.
import type { Activation } from '../ir/nodes.js';
import { ACTIVATIONS, ERROR } from '../lower/values.js';
import type { OpDef } from './op.js';
import { anyError, numberArg, tensorArg, wordArg } from './read-args.js';

const DESCRIPTIONS: Record<Activation, string> = {
  relu: 'max(x, 0)',
  gelu: 'x Φ(x), with the exact (erf) Gaussian CDF',
  gelu_tanh: "GELU's tanh approximation (GPT-2's gelu_new, Gemma's gelu_pytorch_tanh)",
  silu: 'x σ(x) (SwiGLU gates use it)',
  sigmoid: 'σ(x) = 1 / (1 + e^-x)',
  tanh: 'tanh(x)',
  identity: 'x unchanged',
};

function activationOp(fn: Activation): OpDef {
  return {
    name: fn,
    summary: `Element-wise ${DESCRIPTIONS[fn]}.`,
    shapes: '[...] -> [...]',
    args: [{ name: 'x', kind: 'tensor', doc: 'input' }],
    lower(ctx, args) {
      if (anyError(args)) return ERROR;
      const x = tensorArg(args, 'x')!;
      return ctx.emit({ op: 'activation', x: x.id, fn, span: ctx.call.span, argSpans: {} });
    },
  };
}

export const activationOps: OpDef[] = ACTIVATIONS.map(activationOp);

export const activation: OpDef = {
  name: 'activation',
  summary: 'Applies the activation function named by `fn` (for blocks that take the function as an argument).',
  shapes: '[...] -> [...]',
  args: [
    { name: 'x', kind: 'tensor', doc: 'input' },
    { name: 'fn', kind: 'activation', doc: `one of ${ACTIVATIONS.join(', ')}` },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const fn = wordArg(args, 'fn')!;
    if (!(ACTIVATIONS as readonly string[]).includes(fn)) {
      return ctx.error('E0206', ctx.spanOf('fn'), `'${fn}' is not an activation function`, `expected one of ${ACTIVATIONS.join(', ')}`);
    }
    const x = tensorArg(args, 'x')!;
    return ctx.emit({ op: 'activation', x: x.id, fn: fn as Activation, span: ctx.call.span, argSpans: {} });
  },
};

export const softcap: OpDef = {
  name: 'softcap',
  summary: 'Soft-caps values to (-cap, cap): cap · tanh(x / cap) (Gemma 2 final logits).',
  shapes: '[...] -> [...]',
  args: [
    { name: 'x', kind: 'tensor', doc: 'input' },
    { name: 'cap', kind: 'number', doc: 'the cap, > 0' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x')!;
    const cap = numberArg(args, 'cap', 0);
    if (!(cap > 0)) return ctx.error('E0214', ctx.spanOf('cap'), `softcap needs a positive cap, got ${cap}`);
    return ctx.emit({ op: 'softcap', x: x.id, cap, span: ctx.call.span, argSpans: {} });
  },
};
