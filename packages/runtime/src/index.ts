// @tdl/runtime: the generation runtime both backends share.
export * from './executor.js';
export * from './generate.js';
export * from './sampling/rng.js';
export * from './sampling/sampler.js';
export * from './tokenizers/tokenizer.js';
export * from './safetensors/dtypes.js';
export * from './safetensors/read.js';
export * from './safetensors/write.js';
export * from './weights.js';
export { NormalStream } from './init/normal.js';
export * from './tokenizers/hf.js';
export * from './checkpoint/index.js';
export * from './contract/index.js';
export * from './batching/index.js';
export * from './beam/index.js';
export * from './quant/index.js';
export * from './gguf/index.js';
