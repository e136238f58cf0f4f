// The logits score exactly the ids the token embedding knows: one column per row of the table.
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimValue } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const vocabSize: CheckRule = {
  name: 'vocab-size',
  readsShapes: true,
  graph(ctx) {
    const { graph, tokens } = ctx;
    const out = graph.outputs[0];
    if (!tokens || !out || graph.outputs.length !== 1 || ctx.tainted.has(out.value)) return [];
    const type = ctx.types.get(out.value)!;
    // Only logits that are otherwise well-formed: logits-output reports the rest.
    const logits = type.dtype === 'f32' && type.shape.length === 2 && dimEquals(type.shape[0]!, tokens.type.shape[0]!);
    const vocab = logits ? dimValue(type.shape[1]!) : undefined;
    if (vocab === undefined) return [];
    for (const site of ctx.sites) {
      const { node } = site;
      if (node.op !== 'embedding' || node.ids !== tokens.id) continue;
      const rows = ctx.paramShape(site, node.weight)?.[0];
      if (rows === undefined || vocab === rows) continue;
      return [
        diagnostic('E0322', out.span, `the logits have ${vocab} columns, but the token embedding has ${rows} rows`, {
          label:
            vocab > rows
              ? `a generated id of ${rows} or more would have no embedding row to feed back`
              : `ids ${vocab} and up could never be generated; is the output head \`linear(x, vocab)\` missing?`,
          notes: [{ message: 'the token embedding is declared here', span: node.span }],
        }),
      ];
    }
    return [];
  },
};
