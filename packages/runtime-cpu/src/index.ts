// @tdl/runtime-cpu: the kernels generated CPU modules call, their loader, and the CPU Executor.
export * from './kernels/linear.js';
export * from './kernels/elementwise.js';
export * from './kernels/norms.js';
export * from './kernels/embedding.js';
export * from './kernels/rope.js';
export * from './kernels/attention.js';
export * from './kernels/moe.js';
export * from './kernels/batch.js';
export * from './cache.js';
export { Arena, PackedMatrix, arenaOf, type ArenaOptions } from './arena.js';
export { checkQuantBlocks, quantBytes, QuantMatrix, QUANT_FORMAT_TABLE, type QuantFormat } from './quant/matrix.js';
export { prepareKernels } from './wasm/kernels.js';
export { WEIGHT_FORMATS, type WeightFormat } from '@tdl/runtime';
export type { SpawnWorker, ThreadOptions, WorkerHandle } from './threads/team.js';
export type * from './module.js';
export { layerParams } from './module.js';
export { loadGeneratedModule } from './loader.js';
export { CpuExecutor, type CpuOptions } from './executor.js';
export { CpuSequences, type SequenceOptions } from './sequences.js';
export { StagedWeights } from './staging.js';
/** Moved to @tdl/runtime (both backends check memories the same way); re-exported for existing callers. */
export { validateMemory } from '@tdl/runtime';
