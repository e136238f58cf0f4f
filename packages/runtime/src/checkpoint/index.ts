// Checkpoints in any declared naming: fitting a file to a naming's plan, loading and exporting through it.
export type { Tensor as LayoutTensor } from './tensor-ops.js';
export { runForward, runBackward } from './steps.js';
export * from './store.js';
export * from './fit.js';
export * from './load.js';
export * from './export.js';
export * from './internal.js';
