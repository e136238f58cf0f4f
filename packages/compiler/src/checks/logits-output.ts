// The model's one output is float logits, one row per token: [T, vocab].
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimValue, shapeToString } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const logitsOutput: CheckRule = {
  name: 'logits-output',
  run(ctx) {
    const { graph, tokens } = ctx;
    if (!tokens) return [];
    if (graph.outputs.length !== 1) {
      const span = graph.outputs[1]?.span ?? tokens.span;
      return [diagnostic('E0315', span, `a model has exactly one output, the logits; this one has ${graph.outputs.length}`)];
    }
    const out = graph.outputs[0]!;
    const type = ctx.types.get(out.value)!;
    const length = tokens.type.shape[0]!;
    const ok =
      type.dtype === 'f32' && type.shape.length === 2 && dimEquals(type.shape[0]!, length) && dimValue(type.shape[1]!) !== undefined;
    if (ok) return [];
    return [
      diagnostic('E0315', out.span, `output '${out.name}' is ${type.dtype}${shapeToString(type.shape)}, not [${shapeToString([length]).slice(1, -1)}, vocab] logits`, {
        label: 'the output needs one row of logits per token',
      }),
    ];
  },
};
