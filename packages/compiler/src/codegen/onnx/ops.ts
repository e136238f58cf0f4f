// Position-wise ops as ONNX nodes of the standard operator set (opset 18). Every tensor here is
// [N, width], N = batch × length: rows are independent, so no op needs to know the batch.
// Each function emits the nodes of one tdl op and returns the name of its output; none reads the IR.
import type { Activation } from '../../ir/nodes.js';
import type { OnnxBuilder } from './model.js';

/** out [N, d] = table[ids]: ids int64 [N], table [V, d]. */
export function embedding(b: OnnxBuilder, table: string, ids: string, out = 'embedding'): string {
  return b.op1('Gather', [table, ids], { axis: 0 }, out);
}

/**
 * out [N, out] = x [N, in] · weightᵀ + bias. The initializer stays [out, in] as PyTorch stores it (a
 * tied head shares the embedding's); the Transpose of it is constant-folded when a session loads, and
 * MatMul by a constant is what ONNX Runtime prepacks (faster than Gemm with transB, seen ~1.2–1.4×).
 */
export function linear(b: OnnxBuilder, x: string, weight: string, bias: string | undefined, out = 'linear'): string {
  const wt = b.once(`transposed:${weight}`, () => b.op1('Transpose', [weight], { perm: [1, 0] }, `${weight}.t`));
  const y = b.op1('MatMul', [x, wt], {}, bias ? `${out}/matmul` : out);
  return bias ? b.op1('Add', [y, bias], {}, out) : y;
}

/** (x - mean) / sqrt(var + eps) · w + b over the last axis; no weight scales by one. */
export function layerNorm(b: OnnxBuilder, x: string, width: number, weight: string | undefined, bias: string | undefined, eps: number, out = 'layer_norm'): string {
  const scale = weight ?? b.floats(new Array<number>(width).fill(1), [width], 'ones');
  return b.op1('LayerNormalization', bias ? [x, scale, bias] : [x, scale], { axis: -1, epsilon: { float: eps } }, out);
}

/** x / sqrt(mean(x²) + eps) · (offset + w), from primitive ops (opset 18 has no RMS norm). */
export function rmsNorm(b: OnnxBuilder, x: string, weight: string | undefined, eps: number, offset: number, out = 'rms_norm'): string {
  const square = b.op1('Mul', [x, x], {}, `${out}/square`);
  const mean = b.op1('ReduceMean', [square, b.ints([-1])], { keepdims: 1 }, `${out}/mean`);
  const root = b.op1('Sqrt', [b.op1('Add', [mean, b.scalar(eps)], {}, `${out}/plus_eps`)], {}, `${out}/root`);
  const normed = b.op1('Div', [x, root], {}, weight === undefined && offset === 0 ? out : `${out}/normed`);
  return rmsScale(b, normed, weight, offset, out);
}

/** The (offset + w) factor of an RMS norm, applied to a normalised row. */
export function rmsScale(b: OnnxBuilder, normed: string, weight: string | undefined, offset: number, out: string): string {
  if (weight === undefined) return offset === 0 ? normed : b.op1('Mul', [normed, b.scalar(offset + 1)], {}, out);
  const factor = offset === 0 ? weight : b.op1('Add', [weight, b.scalar(offset)], {}, `${out}/factor`);
  return b.op1('Mul', [normed, factor], {}, out);
}

/** Element-wise activations; GELU from Erf or Tanh (opset 18 has no Gelu op). */
export function activation(b: OnnxBuilder, x: string, fn: Activation, out: string = fn): string {
  switch (fn) {
    case 'relu':
      return b.op1('Relu', [x], {}, out);
    case 'sigmoid':
      return b.op1('Sigmoid', [x], {}, out);
    case 'tanh':
      return b.op1('Tanh', [x], {}, out);
    case 'identity':
      return b.op1('Identity', [x], {}, out);
    case 'silu':
      return b.op1('Mul', [x, b.op1('Sigmoid', [x], {}, `${out}/sigmoid`)], {}, out);
    case 'gelu': {
      // x Φ(x) = 0.5 x (1 + erf(x / √2))
      const erf = b.op1('Erf', [b.op1('Div', [x, b.scalar(Math.SQRT2)], {}, `${out}/scaled`)], {}, `${out}/erf`);
      return halfTimesOnePlus(b, x, erf, out);
    }
    case 'gelu_tanh': {
      // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
      const cube = b.op1('Mul', [b.op1('Mul', [x, x], {}, `${out}/square`), x], {}, `${out}/cube`);
      const inner = b.op1('Add', [x, b.op1('Mul', [cube, b.scalar(0.044715)], {}, `${out}/cubic`)], {}, `${out}/inner`);
      const tanh = b.op1('Tanh', [b.op1('Mul', [inner, b.scalar(Math.sqrt(2 / Math.PI))], {}, `${out}/scaled`)], {}, `${out}/tanh`);
      return halfTimesOnePlus(b, x, tanh, out);
    }
  }
}

/** 0.5 · x · (1 + t). */
function halfTimesOnePlus(b: OnnxBuilder, x: string, t: string, out: string): string {
  const onePlus = b.op1('Add', [t, b.scalar(1)], {}, `${out}/one_plus`);
  return b.op1('Mul', [b.op1('Mul', [x, onePlus], {}, `${out}/product`), b.scalar(0.5)], {}, out);
}

export function binary(b: OnnxBuilder, op: 'add' | 'sub' | 'mul', x: string, y: string, out: string = op): string {
  return b.op1(op === 'add' ? 'Add' : op === 'sub' ? 'Sub' : 'Mul', [x, y], {}, out);
}

export function scale(b: OnnxBuilder, x: string, factor: number, out = 'scale'): string {
  return b.op1('Mul', [x, b.scalar(factor)], {}, out);
}

/** cap · tanh(x / cap). */
export function softcap(b: OnnxBuilder, x: string, cap: number, out = 'softcap'): string {
  const capped = b.op1('Tanh', [b.op1('Div', [x, b.scalar(cap)], {}, `${out}/divided`)], {}, `${out}/tanh`);
  return b.op1('Mul', [capped, b.scalar(cap)], {}, out);
}

/** tanh(w) · x, w a learned scalar [1]. */
export function tanhGate(b: OnnxBuilder, x: string, weight: string, out = 'tanh_gate'): string {
  return b.op1('Mul', [x, b.op1('Tanh', [weight], {}, `${out}/gate`)], {}, out);
}

/** Absolute positions [N] int64: the caller's position_ids plus a constant offset. */
export function positions(b: OnnxBuilder, positionIds: string, offset: number, out = 'positions'): string {
  return offset === 0 ? positionIds : b.op1('Add', [positionIds, b.ints([offset], [])], {}, out);
}

/**
 * The sinusoidal table of "Attention Is All You Need" (sin on channel 2i, cos on 2i + 1, angle
 * p / base^(2i/d)), computed here in double precision for positions 0 … rows - 1, and looked up.
 */
export function sinusoidal(b: OnnxBuilder, positions: string, dim: number, base: number, rows: number, out = 'sinusoidal'): string {
  const table = b.once(`sinusoidal:${dim}:${base}:${rows}`, () => {
    const values = new Float32Array(rows * dim);
    for (let p = 0; p < rows; p++) {
      for (let i = 0; i < dim; i += 2) {
        const angle = p / Math.pow(base, i / dim);
        values[p * dim + i] = Math.sin(angle);
        if (i + 1 < dim) values[p * dim + i + 1] = Math.cos(angle);
      }
    }
    return b.floats(values, [rows, dim], 'sinusoidal_table');
  });
  return b.op1('Gather', [table, positions], { axis: 0 }, out);
}
