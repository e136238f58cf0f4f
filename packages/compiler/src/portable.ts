// @tdl/compiler without transpileCpuModule: everything here runs wherever JavaScript runs (browsers
// included) and needs no TypeScript compiler. Browser builds get this entry (package.json, `browser`).
export { checkSource, modelSettings, PASSES, type CheckOptions, type CheckResult } from './compile.js';
export * from './config/index.js';
export { PROPERTY_NAMES, readExpectations, type Expectation, type PropertyName } from './expectations.js';
export type * from './ir/nodes.js';
export * from './ir/dim.js';
export { typeToString, sameType } from './ir/types.js';
export { verifyGraph } from './ir/verify.js';
export { allNodes, valueTypes, valueOrigins, operands } from './ir/walk.js';
export { inferType } from './ir/shapes.js';
export { runChecks, CHECKS } from './checks/index.js';
export { valueAt, type ValueAt } from './analysis/value-at.js';
export type { ValueSpan } from './lower/value-spans.js';
export type { ConstantValue } from './lower/model.js';
export { analyze, modelContext, modelVocab, countParams, numel, type ModelInfo } from './analysis/index.js';
export { OPS, type OpDef, type ArgSpec } from './ops/index.js';
export { PRELUDE_SOURCE, preludeBlocks } from './lower/prelude.js';
export { WORDS } from './lower/values.js';
export { LAYER_INDEX } from './lower/lowerer.js';
export { schedule, modelManifest } from './codegen/schedule/index.js';
export { alibiSlopes } from './codegen/schedule/alibi.js';
export { ropeFrequencies, ropeAttentionFactor, ropeVaries } from './ir/rope-frequencies.js';
export type * from './codegen/schedule/types.js';
export { generateCpuModule, type CpuModule } from './codegen/cpu/index.js';
export { exportGraph, type GraphFormat } from './graph/export.js';
export { compileCheckpoints, INTERNAL_NAMING, TRANSFORMS, type CheckpointResult, type TransformDef } from './checkpoint/index.js';
export type { CheckpointPlan, PlanEntry, PlanSource, PlanStep, PlanOp, PlanTensor } from '@tdl/runtime/contract';
// The WebGPU plan's own types (its steps, buffers …) are reached through WebGpuPlan, so that their
// names do not clash with the checkpoint plan's.
export { generateWebGpu, renderWebGpu, formatPlan, type WebGpuOptions, type WebGpuPlan, type WebGpuProgram } from './codegen/webgpu/index.js';
export * from './codegen/onnx/index.js';
