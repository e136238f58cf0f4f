// Token and position embeddings: embedding, positions, sinusoidal.
import { constDim } from '../ir/dim.js';
import { ERROR } from '../lower/values.js';
import type { OpDef } from './op.js';
import { anyError, numberArg, tensorArg, valueArg } from './read-args.js';

export const INIT_STD = 0.02;

export const embedding: OpDef = {
  name: 'embedding',
  summary: 'Looks up one row of a [n, d] table per id.',
  shapes: 'i32[T] -> [T, d]',
  args: [
    { name: 'ids', kind: 'tensor', doc: 'token or position ids, i32[T]' },
    { name: 'n', kind: 'int', doc: 'rows in the table (the vocabulary size)' },
    { name: 'd', kind: 'int', doc: 'width of each row' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const ids = tensorArg(args, 'ids')!;
    if (ids.type.dtype !== 'i32') return ctx.error('E0309', ids.span, 'embedding looks up token ids, but this is a float tensor');
    const weight = ctx.param('weight', [numberArg(args, 'n', 0), numberArg(args, 'd', 0)], { kind: 'normal', std: INIT_STD });
    return ctx.emit({ op: 'embedding', ids: ids.id, weight, span: ctx.call.span, argSpans: {}, label: ctx.label });
  },
};

export const positions: OpDef = {
  name: 'positions',
  summary: 'The absolute position of each token (counting tokens already in the KV cache), plus an offset.',
  shapes: 'T -> i32[T]',
  args: [
    { name: 'length', kind: 'dim', doc: 'the sequence dimension (`T`), or a tensor whose first dimension it is' },
    { name: 'offset', kind: 'int', default: '0', doc: 'added to every position (OPT uses 2)' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const len = valueArg(args, 'length')!;
    const length = len.kind === 'dim' ? len.dim : len.kind === 'tensor' ? len.type.shape[0]! : constDim(len.kind === 'number' ? len.value : 0);
    return ctx.emit({ op: 'positions', length, offset: numberArg(args, 'offset', 0), span: ctx.call.span, argSpans: {} });
  },
};

export const sinusoidal: OpDef = {
  name: 'sinusoidal',
  summary: 'The fixed sinusoidal position table of "Attention Is All You Need": sin on even channels, cos on odd.',
  shapes: 'i32[T] -> [T, d]',
  args: [
    { name: 'positions', kind: 'tensor', doc: 'positions, i32[T] (from `positions(T)`)' },
    { name: 'd', kind: 'int', doc: 'width (even)' },
    { name: 'base', kind: 'number', default: '10000', doc: 'wavelength base' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const pos = tensorArg(args, 'positions')!;
    const d = numberArg(args, 'd', 0);
    if (pos.type.dtype !== 'i32') return ctx.error('E0309', pos.span, 'sinusoidal takes integer positions, but this is a float tensor');
    if (d % 2 !== 0) return ctx.error('E0318', ctx.spanOf('d'), `sinusoidal positions need an even width, got ${d}`);
    return ctx.emit({ op: 'sinusoidal', positions: pos.id, dim: d, base: numberArg(args, 'base', 10000), span: ctx.call.span, argSpans: {} });
  },
};
