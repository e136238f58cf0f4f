// Normalisations over the last dimension: layer_norm and rms_norm.
import { dimValue } from '../ir/dim.js';
import { ERROR } from '../lower/values.js';
import type { OpDef } from './op.js';
import { anyError, boolArg, numberArg, tensorArg } from './read-args.js';

export const layerNorm: OpDef = {
  name: 'layer_norm',
  summary: 'Layer normalisation over the last dimension: (x - mean) / sqrt(var + eps) * weight + bias.',
  shapes: '[T, d] -> [T, d]',
  args: [
    { name: 'x', kind: 'tensor', doc: 'input, [..., d]' },
    { name: 'eps', kind: 'number', default: '1e-5', doc: 'added to the variance' },
    { name: 'bias', kind: 'bool', default: 'true', doc: 'learn a bias [d]' },
    { name: 'affine', kind: 'bool', default: 'true', doc: 'learn a weight [d] (and the bias)' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x')!;
    if (x.type.dtype !== 'f32') return ctx.error('E0310', x.span, 'layer_norm takes a float tensor, but this holds token ids');
    const d = dimValue(x.type.shape[x.type.shape.length - 1]!) ?? 0;
    const affine = boolArg(args, 'affine', true);
    const weight = affine ? ctx.param('weight', [d], { kind: 'ones' }) : undefined;
    const bias = affine && boolArg(args, 'bias', true) ? ctx.param('bias', [d], { kind: 'zeros' }) : undefined;
    return ctx.emit({
      op: 'layer_norm',
      x: x.id,
      ...(weight ? { weight } : {}),
      ...(bias ? { bias } : {}),
      eps: numberArg(args, 'eps', 1e-5),
      span: ctx.call.span,
      argSpans: { x: x.span },
      label: ctx.label,
    });
  },
};

export const rmsNorm: OpDef = {
  name: 'rms_norm',
  summary: 'RMS normalisation over the last dimension: x / sqrt(mean(x²) + eps) * (offset + weight).',
  shapes: '[T, d] -> [T, d]',
  args: [
    { name: 'x', kind: 'tensor', doc: 'input, [..., d]' },
    { name: 'eps', kind: 'number', default: '1e-6', doc: 'added to the mean square' },
    { name: 'offset', kind: 'number', default: '0', doc: 'added to the weight (Gemma stores w and scales by 1 + w)' },
    { name: 'affine', kind: 'bool', default: 'true', doc: 'learn a weight [d]' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x')!;
    if (x.type.dtype !== 'f32') return ctx.error('E0310', x.span, 'rms_norm takes a float tensor, but this holds token ids');
    const d = dimValue(x.type.shape[x.type.shape.length - 1]!) ?? 0;
    const offset = numberArg(args, 'offset', 0);
    const weight = boolArg(args, 'affine', true)
      ? ctx.param('weight', [d], offset === 0 ? { kind: 'ones' } : { kind: 'zeros' })
      : undefined;
    return ctx.emit({
      op: 'rms_norm',
      x: x.id,
      ...(weight ? { weight } : {}),
      eps: numberArg(args, 'eps', 1e-6),
      offset,
      span: ctx.call.span,
      argSpans: { x: x.span },
      label: ctx.label,
    });
  },
};
