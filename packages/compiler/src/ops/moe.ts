// moe: a mixture of gated feed-forward experts with a softmax top-k router (Mixtral's sparse block).
import type { Activation, ExpertParams } from '../ir/nodes.js';
import { dimValue } from '../ir/dim.js';
import { ACTIVATIONS, ERROR } from '../lower/values.js';
import { INIT_STD } from './embedding.js';
import type { OpDef } from './op.js';
import { anyError, boolArg, numberArg, tensorArg, wordArg } from './read-args.js';

export const moe: OpDef = {
  name: 'moe',
  summary:
    'A mixture of experts: a router `gate.weight [experts, d]` scores each row, a softmax over the scores picks the `top_k` largest (renormalised to sum 1 with `norm_topk`), and the output is the sum of the chosen experts, each weighted by its probability. Expert e is a gated feed-forward network with `experts.{e}.gate.weight [hidden, d]`, `experts.{e}.up.weight [hidden, d]` and `experts.{e}.down.weight [d, hidden]`, down(act(gate(x)) · up(x)), no biases. On the CPU only the chosen experts run (an expert no row chose is never read); on WebGPU every expert runs and the others are weighted by 0.',
  shapes: '[T, d] -> [T, d]',
  args: [
    { name: 'x', kind: 'tensor', doc: 'input, [T, d]' },
    { name: 'experts', kind: 'int', doc: 'how many experts' },
    { name: 'top_k', kind: 'int', doc: 'experts chosen per row, 1 … experts' },
    { name: 'hidden', kind: 'int', doc: "each expert's hidden width" },
    { name: 'act', kind: 'activation', default: 'silu', doc: `the gate's activation, one of ${ACTIVATIONS.join(', ')}` },
    { name: 'norm_topk', kind: 'bool', default: 'true', doc: 'renormalise the chosen probabilities to sum 1 (Mixtral); false keeps the softmax values' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x')!;
    if (x.type.dtype !== 'f32') return ctx.error('E0310', x.span, 'moe takes a float tensor, but this holds token ids');
    const count = numberArg(args, 'experts', 0);
    const topK = numberArg(args, 'top_k', 0);
    const hidden = numberArg(args, 'hidden', 0);
    if (count < 1) return ctx.error('E0214', ctx.spanOf('experts'), `moe needs at least one expert, but experts is ${count}`);
    if (topK < 1 || topK > count) {
      return ctx.error('E0214', ctx.spanOf('top_k'), `top_k must lie between 1 and the number of experts (${count}), but it is ${topK}`);
    }
    if (hidden < 1) return ctx.error('E0214', ctx.spanOf('hidden'), `an expert's hidden width must be positive, but it is ${hidden}`);
    const act = wordArg(args, 'act') ?? 'silu';
    if (!(ACTIVATIONS as readonly string[]).includes(act)) {
      return ctx.error('E0206', ctx.spanOf('act'), `'${act}' is not an activation function`, `expected one of ${ACTIVATIONS.join(', ')}`);
    }
    const d = dimValue(x.type.shape[x.type.shape.length - 1]!) ?? 0;
    const init = { kind: 'normal', std: INIT_STD } as const;
    const router = ctx.param('gate.weight', [count, d], init);
    const experts: ExpertParams[] = [];
    for (let e = 0; e < count; e++) {
      experts.push({
        gate: ctx.param(`experts.${e}.gate.weight`, [hidden, d], init),
        up: ctx.param(`experts.${e}.up.weight`, [hidden, d], init),
        down: ctx.param(`experts.${e}.down.weight`, [d, hidden], init),
      });
    }
    return ctx.emit({
      op: 'moe',
      x: x.id,
      router,
      experts,
      topK,
      hidden,
      act: act as Activation,
      normTopk: boolArg(args, 'norm_topk', true),
      span: ctx.call.span,
      argSpans: { x: x.span },
      label: ctx.label,
    });
  },
};
