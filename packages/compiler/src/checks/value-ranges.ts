// Sizes of parameters are positive, and numeric settings lie in their ranges: eps ≥ 0, rope theta > 0,
// attention scale finite, softcap ≥ 0.
import { diagnostic, type Diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const valueRanges: CheckRule = {
  name: 'value-ranges',
  readsShapes: false,
  node(site, ctx) {
    const { node } = site;
    const at = (arg: string, message: string, label?: string): Diagnostic =>
      diagnostic('E0214', node.argSpans[arg] ?? node.span, message, label ? { label } : {});
    const shape = (name: string | undefined) => (name ? (ctx.paramShape(site, name) ?? []) : []);
    switch (node.op) {
      case 'embedding': {
        const [n = 1, d = 1] = shape(node.weight);
        if (n < 1) return at('n', `an embedding table needs at least one row, got ${n}`);
        if (d < 1) return at('d', `an embedding needs a positive width, got ${d}`);
        return undefined;
      }
      case 'linear': {
        if (node.tiedOut !== undefined) return undefined;
        const [out = 1] = shape(node.weight);
        return out < 1 ? at('out', `a linear layer needs a positive output width, got ${out}`) : undefined;
      }
      case 'layer_norm':
      case 'rms_norm':
        return node.eps < 0 ? at('eps', `eps is added to a variance and must not be negative, got ${node.eps}`) : undefined;
      case 'attention': {
        if (node.headDim < 1) return at('head_dim', `attention needs a positive head dimension, got ${node.headDim}`);
        const [out = 1] = shape(node.params.o);
        if (out < 1) return at('out', `attention needs a positive output width, got ${out}`);
        if (node.rope && !(node.rope.theta > 0)) return at('pos', `the rotary base theta must be positive, got ${node.rope.theta}`);
        if (node.softcap < 0) return at('softcap', `a softcap must be positive (or 0 for none), got ${node.softcap}`);
        if (!Number.isFinite(node.scale)) return at('scale', `the attention scale must be a finite number, got ${node.scale}`);
        return undefined;
      }
      default:
        return undefined;
    }
  },
};
