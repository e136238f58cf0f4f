// The model's one output is float logits, one row per token: [T, vocab].
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimToString, dimValue, shapeToString } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const logitsOutput: CheckRule = {
  name: 'logits-output',
  readsShapes: true,
  graph(ctx) {
    const { graph, tokens } = ctx;
    if (!tokens) return [];
    if (graph.outputs.length !== 1) {
      const span = graph.outputs[1]?.span ?? tokens.span;
      return [
        diagnostic('E0315', span, `a model has exactly one output, the logits; this one has ${graph.outputs.length}`, {
          ...(graph.outputs.length === 0 ? { label: 'add `output logits = …`' } : {}),
        }),
      ];
    }
    const out = graph.outputs[0]!;
    if (ctx.tainted.has(out.value)) return [];
    const type = ctx.types.get(out.value)!;
    const length = tokens.type.shape[0]!;
    const ok = type.dtype === 'f32' && type.shape.length === 2 && dimEquals(type.shape[0]!, length) && dimValue(type.shape[1]!) !== undefined;
    if (ok) return [];
    const why =
      type.dtype !== 'f32'
        ? 'these are token ids; project the hidden state to the vocabulary with `linear(x, vocab)`'
        : type.shape.length !== 2
          ? `the output has rank ${type.shape.length}; logits have one row per token and one column per vocabulary entry`
          : !dimEquals(type.shape[0]!, length)
            ? `it has one row per position of ${dimToString(type.shape[0]!)}, not per token`
            : 'the vocabulary width must be a number';
    return [
      diagnostic('E0315', out.span, `output '${out.name}' is ${type.dtype}${shapeToString(type.shape)}, not [${dimToString(length)}, vocab] logits`, {
        label: why,
      }),
    ];
  },
};
