// WebGPU code generation: WGSL kernels from the templates beside this file, and the dispatch plan.
export { buildWebGpuProgram as generateWebGpu, renderWebGpu, type WebGpuOptions } from './builder.js';
export { formatPlan } from './format.js';
export type * from '@tdl/runtime/contract/webgpu';
