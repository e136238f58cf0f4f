// A linear layer's input width equals its weight's input width (which a tied weight fixes in advance).
import { diagnostic } from '@tdl/dsl';
import { dimToString, dimValue } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const linearInput: CheckRule = {
  name: 'linear-input',
  run(ctx) {
    return ctx.sites.flatMap((site) => {
      const { node } = site;
      if (node.op !== 'linear') return [];
      const shape = ctx.paramShape(site, node.weight);
      const x = ctx.types.get(node.x)!.shape;
      const width = x[x.length - 1]!;
      if (!shape || dimValue(width) === shape[1]) return [];
      return [
        diagnostic('E0302', node.argSpans['x'] ?? node.span, `input width ${dimToString(width)} does not match the weight ${node.weight} [${shape.join(', ')}]`, {
          label: `the weight takes width ${shape[1]}`,
        }),
      ];
    });
  },
};
