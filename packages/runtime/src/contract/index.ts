// The contract between the compiler and the runtimes, declared once: plain data the compiler hands over
// (the model manifest, checkpoint plans, the WebGPU plan, weight formats). Types only, and importing
// nothing, so that the compiler may import it (`import type`, see scripts/lint-deps.mjs) while the
// runtimes never import the compiler.
export type * from './model.js';
