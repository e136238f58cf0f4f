// ONNX Runtime's fused contrib ops, for `--onnx-ops contrib`: SimplifiedLayerNormalization for RMS
// norms; GroupQueryAttention (with its rotary embedding) for the self-attention it can express.
import type { AttentionNode } from '../../ir/nodes.js';
import type { AttentionWeights, KvCache, StreamValues } from './attention.js';
import type { OnnxBuilder } from './model.js';
import { rmsScale } from './ops.js';

/** RMS norm as ONNX Runtime's SimplifiedLayerNormalization (registered in the standard domain). */
export function contribRmsNorm(b: OnnxBuilder, x: string, weight: string | undefined, eps: number, offset: number, out: string): string {
  const width = undefined;
  void width;
  const scale = weight === undefined ? undefined : offset === 0 ? weight : b.op1('Add', [weight, b.scalar(offset)], {}, `${out}/factor`);
  if (scale === undefined) {
    // No weight: normalise with unit scale, then the constant factor.
    return rmsScale(b, b.op1('SimplifiedLayerNormalization', [x, b.scalar(1)], { axis: -1, epsilon: { float: eps } }, `${out}/normed`), undefined, offset, out);
  }
  return b.op1('SimplifiedLayerNormalization', [x, scale], { axis: -1, epsilon: { float: eps } }, out);
}

/** Whether GroupQueryAttention computes this attention as tdl does. */
export function contribApplies(node: AttentionNode): boolean {
  void node;
  return false;
}

export function contribAttention(
  b: OnnxBuilder,
  sv: StreamValues,
  node: AttentionNode,
  w: AttentionWeights,
  xq: string,
  xk: string,
  xv: string,
  cache: KvCache,
  out: string,
): string {
  void [b, sv, node, w, xq, xk, xv, cache, out];
  throw new Error('internal error: GroupQueryAttention is not wired yet');
}
