// How matrix weights are kept in memory: f32, or two 16-bit values (f16, bf16) to a 32-bit word; the
// arithmetic is f32 either way. One name on every side: the CLI's --weight-dtype, the CPU's packed
// matrices, the WebGPU plan's weight buffers.
export const WEIGHT_FORMATS = ['f32', 'f16', 'bf16'] as const;
export type WeightFormat = (typeof WEIGHT_FORMATS)[number];

/**
 * ggml's block formats a matrix can be kept in on the CPU (llama.cpp's Q8_0 and Q4_0: 32 weights to a
 * block with one f16 scale), multiplied by without widening the matrix to f32.
 */
export const QUANT_FORMATS = ['q8_0', 'q4_0'] as const;
export type QuantFormat = (typeof QUANT_FORMATS)[number];

/** Every way `--weight-dtype` can keep matrices: the float formats, then the block formats. */
export const MATRIX_DTYPES = [...WEIGHT_FORMATS, ...QUANT_FORMATS] as const;
export type MatrixDtype = WeightFormat | QuantFormat;

/** Whether `dtype` is a block format. */
export function isQuantFormat(dtype: MatrixDtype): dtype is QuantFormat {
  return (QUANT_FORMATS as readonly string[]).includes(dtype);
}
