// Warns about inputs nothing reads and values computed but never used.
import { diagnostic, type Diagnostic } from '@tdl/dsl';
import { useCounts } from '../ir/walk.js';
import type { CheckRule } from './rule.js';

export const unused: CheckRule = {
  name: 'unused',
  run(ctx) {
    const uses = useCounts(ctx.graph);
    const out: Diagnostic[] = [];
    for (const { node } of ctx.sites) {
      if ((uses.get(node.id) ?? 0) > 0 || node.op === 'carried') continue;
      if (node.op === 'input') out.push(diagnostic('W0401', node.span, `input '${node.name}' is never used`));
      else out.push(diagnostic('W0402', node.span, 'this value is computed but never used'));
    }
    return out;
  },
};
