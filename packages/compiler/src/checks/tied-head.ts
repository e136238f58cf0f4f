// A tied output head produces exactly as many outputs as the table it shares has rows.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const tiedHead: CheckRule = {
  name: 'tied-head',
  run(ctx) {
    return ctx.sites.flatMap((site) => {
      const { node } = site;
      if (node.op !== 'linear' || node.tiedOut === undefined) return [];
      const shape = ctx.paramShape(site, node.weight);
      if (!shape || shape[0] === node.tiedOut) return [];
      return [
        diagnostic('E0314', node.argSpans['tied'] ?? node.span, `the tied weight ${node.weight} is [${shape.join(', ')}], but this head asks for ${node.tiedOut} outputs`, {
          label: `a head tied to it must have ${shape[0]} outputs`,
        }),
      ];
    });
  },
};
