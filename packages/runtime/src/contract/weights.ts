// How matrix weights are kept in memory: f32, or two 16-bit values (f16, bf16) to a 32-bit word; the
// arithmetic is f32 either way. One name on every side: the CLI's --weight-dtype, the CPU's packed
// matrices, the WebGPU plan's weight buffers.
export const WEIGHT_FORMATS = ['f32', 'f16', 'bf16'] as const;
export type WeightFormat = (typeof WEIGHT_FORMATS)[number];
