// @tdl/compiler: lowering to IR, symbolic shape checking, analysis and code generation.
// portable.ts has all of it but transpileCpuModule, which loads TypeScript: browsers get that entry.
export * from './portable.js';
export { transpileCpuModule } from './codegen/cpu/transpile.js';
