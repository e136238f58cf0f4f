// Quantized weights: ggml's tensor types, the Q8_0 and Q4_0 block formats (both ways), Q4_K and Q6_K (decoding).
export { DECODED_TYPES, ggmlType, ggmlTypeById, isDecoded, typeBytes, type GgmlType, type GgmlTypeName } from './types.js';
export { dequantizeQ8_0, quantizeQ8_0, Q8_0_BLOCK, Q8_0_BYTES } from './q8_0.js';
export { dequantizeQ4_0, quantizeQ4_0, Q4_0_BLOCK, Q4_0_BYTES } from './q4_0.js';
export { dequantizeQ4_K, dequantizeQ6_K, K_BLOCK, Q4_K_BYTES, Q6_K_BYTES } from './k-quants.js';
export { decodeGgml } from './decode.js';
