// @tdl/runtime-webgpu: the WebGPU backend: device setup, buffers, the pipeline cache, and an Executor
// that runs a compiled plan for the shared generation loop. Needs only a GPU object (navigator.gpu,
// or the `webgpu` package's in Node): no file system, no process.
export { openWebGpu, WebGpuDevice, RAISED_LIMITS, type OpenOptions } from './device.js';
export { WebGpuExecutor, type WebGpuExecutorOptions } from './executor.js';
export { WebGpuSequences, type CacheSnapshot } from './sequences.js';
export { DeviceLostError, LimitError, WebGpuError } from './errors.js';
export { PipelineCache, type CompilationMessage, type CompiledKernel } from './pipelines.js';
export { compileExpr, type Symbols } from './expr.js';
export { toBf16Array, toFloat16Array } from './f16.js';
export type * from '@tdl/runtime/contract/webgpu';
