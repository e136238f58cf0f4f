// GGUF files: a validating reader and a writer, with the metadata value types they share.
export * from './values.js';
export { checkDecodable, DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufError, MAX_DIMS, MAX_GGUF_HEADER_BYTES, readGgufHeader, readGgufTensorBytes, readGgufTensorF32, type GgufHeader, type GgufTensorEntry } from './read.js';
export { ggufChunks, type GgufTensorToWrite } from './write.js';
export { GGML_QUANTIZATION_VERSION, LLAMA_FILE_TYPE, llamaGgufName } from './llama-names.js';
export { openGgufStore } from './store.js';
