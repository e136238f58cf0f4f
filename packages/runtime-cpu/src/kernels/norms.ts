// Normalisations over the last dimension of a [rows, d] tensor.

/** out = (x - mean) / sqrt(var + eps) * w + b, per row. */
export function layerNorm(
  out: Float32Array,
  x: Float32Array,
  rows: number,
  d: number,
  w: Float32Array | undefined,
  b: Float32Array | undefined,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[o + i]!;
    mean /= d;
    let variance = 0;
    for (let i = 0; i < d; i++) {
      const c = x[o + i]! - mean;
      variance += c * c;
    }
    const inv = 1 / Math.sqrt(variance / d + eps);
    for (let i = 0; i < d; i++) {
      const v = (x[o + i]! - mean) * inv;
      out[o + i] = v * (w ? w[i]! : 1) + (b ? b[i]! : 0);
    }
  }
}

/** out = x / sqrt(mean(x²) + eps) * (offset + w), per row. */
export function rmsNorm(
  out: Float32Array,
  x: Float32Array,
  rows: number,
  d: number,
  w: Float32Array | undefined,
  eps: number,
  offset: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let ss = 0;
    for (let i = 0; i < d; i++) ss += x[o + i]! * x[o + i]!;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let i = 0; i < d; i++) out[o + i] = x[o + i]! * inv * (offset + (w ? w[i]! : 1));
  }
}
