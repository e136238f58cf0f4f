// linear: x W^T + b, with an optional tied weight (an output head sharing the embedding table).
import { dimValue } from '../ir/dim.js';
import { ERROR } from '../lower/values.js';
import { INIT_STD } from './embedding.js';
import type { OpDef } from './op.js';
import { anyError, boolArg, numberArg, tensorArg } from './read-args.js';

export const linear: OpDef = {
  name: 'linear',
  summary: 'A dense layer: weight [out, in] as PyTorch stores it, and an optional bias [out].',
  shapes: '[T, in] -> [T, out]',
  args: [
    { name: 'x', kind: 'tensor', doc: 'input, [..., in]' },
    { name: 'out', kind: 'int', doc: 'output width' },
    { name: 'bias', kind: 'bool', default: 'true', doc: 'add a bias' },
    {
      name: 'tied',
      kind: 'label',
      default: 'none',
      doc: "use another op's weight (`tied = wte` for an output head tied to the embedding; `tied = if tie == 1 then wte else none` when a constant decides)",
    },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x')!;
    if (x.type.dtype !== 'f32') return ctx.error('E0310', x.span, 'linear takes a float tensor, but this holds token ids');
    const out = numberArg(args, 'out', 0);
    const given = args.get('tied');
    if (given && given.value.kind === 'word' && given.value.word !== 'none') {
      return ctx.error('E0206', given.span, `argument 'tied' of linear must be an op's label or none`, `this is '${given.value.word}'`);
    }
    const tiedArg = given && given.value.kind === 'label' ? given : undefined;
    const inWidth = dimValue(x.type.shape[x.type.shape.length - 1]!) ?? 0;
    let weight: string;
    let tiedOut: number | undefined;
    if (tiedArg) {
      const tied = ctx.tiedWeight(tiedArg, 'weight');
      if (!tied) return ERROR;
      weight = tied.name;
      tiedOut = out;
      ctx.possibleParam('weight');
    } else {
      weight = ctx.param('weight', [out, inWidth], { kind: 'normal', std: INIT_STD });
    }
    const bias = boolArg(args, 'bias', true) ? ctx.param('bias', [out], { kind: 'zeros' }) : undefined;
    return ctx.emit({
      op: 'linear',
      x: x.id,
      weight,
      ...(bias ? { bias } : {}),
      ...(tiedOut !== undefined ? { tiedOut } : {}),
      span: ctx.call.span,
      argSpans: { x: x.span, ...(tiedArg ? { tied: tiedArg.span } : {}) },
      label: ctx.label,
    });
  },
};
