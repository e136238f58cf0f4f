// Which kernels a model gets by the size of its weights: f32 too large for an arena's 4 GiB falls back
// to the JavaScript kernels; 16-bit weights either fit or are refused with their size.
import { describe, expect, it } from 'vitest';
import { CpuExecutor, type GeneratedModule } from '../src/index.js';

/** A module whose manifest declares one [n, n] matrix and whose model computes nothing. */
function moduleWith(n: number): GeneratedModule {
  return {
    MODEL: { name: 'big', vocab: 4, context: 8, memory: null, params: [{ name: 'w', shape: [n, n], init: { kind: 'zeros' } }], packed: ['w'] },
    createModel: () => ({ forward: () => new Float32Array(4), setMemory: () => {}, select: () => {}, release: () => {}, fork: () => {}, decodeBatch: () => new Float32Array(4), sequenceBytes: 0 }),
  };
}

describe('kernels by weight size', () => {
  it('runs f32 weights over 3 GiB on the JavaScript kernels, and smaller ones on WebAssembly', () => {
    const big = new CpuExecutor(moduleWith(32768), new Map());
    expect(big.wasm).toBe(false);
    const small = new CpuExecutor(moduleWith(64), new Map());
    expect(small.wasm).toBe(true);
    small.dispose();
  });

  it('refuses 16-bit weights that do not fit, saying how large they are', () => {
    expect(() => new CpuExecutor(moduleWith(50000), new Map(), { weightFormat: 'bf16' })).toThrow(
      "the weights of 'big' in bf16 (4.7 GiB) do not fit the WebAssembly kernels' 4 GiB memory",
    );
    expect(() => new CpuExecutor(moduleWith(64), new Map(), { weightFormat: 'f16', wasm: false })).toThrow('f16 weights need the WebAssembly kernels (the JavaScript ones keep f32)');
  });
});
