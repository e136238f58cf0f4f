// A linear layer's input width equals its weight's input width (which a tied weight fixes in advance).
import { diagnostic } from '@tdl/dsl';
import { dimToString, dimValue } from '../ir/dim.js';
import { labelInLayer } from '../lower/lowerer.js';
import type { CheckRule } from './rule.js';

export const linearInput: CheckRule = {
  name: 'linear-input',
  readsShapes: true,
  node(site, ctx) {
    const { node } = site;
    if (node.op !== 'linear') return undefined;
    const shape = ctx.paramShape(site, node.weight);
    const x = ctx.types.get(node.x)!.shape;
    const width = x[x.length - 1]!;
    if (!shape || shape.length !== 2 || dimValue(width) === shape[1]) return undefined;
    const name = node.label ? `'${labelInLayer(node.label)}'` : 'the linear layer';
    const tied = node.tiedOut !== undefined ? `; its weight is tied to ${node.weight} [${shape.join(', ')}]` : '';
    return diagnostic('E0302', node.argSpans['x'] ?? node.span, `input width ${dimToString(width)} does not match ${name}, which takes width ${shape[1]}`, {
      label: `${ctx.describeArg(node, 'x', node.x)} has width ${dimToString(width)}${tied}`,
    });
  },
};
