// The contract between the compiler and the runtimes, declared once: the plain data the compiler hands
// over (the model manifest, checkpoint plans, the WebGPU plan, weight formats). Types, and the list of
// weight formats; it imports nothing, so the compiler may import its types (`import type`, allowed by
// scripts/lint-deps.mjs) while the runtimes never import the compiler.
export type * from './model.js';
export type * from './checkpoint.js';
export * from './weights.js';
// The WebGPU plan's types are reached through @tdl/runtime/contract/webgpu: their names (PlanStep …)
// would clash with the checkpoint plan's.
