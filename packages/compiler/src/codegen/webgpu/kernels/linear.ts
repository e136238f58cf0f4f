// linear: out = x · wᵀ + b, as a tiled matrix product (prefill) and a matrix-vector product (decoding).
// The widths come from the uniform parameters, so one pipeline serves every linear layer of a kind:
// few pipelines to compile (the slowest part of starting a model, in browsers and in SwiftShader).
import type { KernelSpec } from '../kernel-set.js';
import type { WeightFormat } from '@tdl/runtime/contract';
import { packing } from './packing.js';

export interface LinearKind {
  readonly bias: boolean;
  readonly weightType: WeightFormat;
}

function view(s: LinearKind) {
  return { bias: s.bias, ...packing(s.weightType), out: s.bias ? 4 : 3 };
}

function suffix(s: LinearKind): string {
  return `${s.bias ? '_bias' : ''}${s.weightType === 'f32' ? '' : `_${s.weightType}`}`;
}

function bindings(s: LinearKind): KernelSpec['bindings'] {
  return s.bias ? ['read', 'read', 'read', 'read-write'] : ['read', 'read', 'read-write'];
}

/** Workgroups of 8 × 8 threads, each workgroup a 32 × 32 block of the output. */
export function matmulKernel(s: LinearKind): KernelSpec {
  return {
    template: 'matmul',
    base: `matmul${suffix(s)}`,
    summary: `linear: [rows, inputs] -> [rows, outputs], tiled 32 × 32${s.bias ? ', with a bias' : ''}`,
    view: view(s),
    bindings: bindings(s),
    invocations: 64,
    workgroupStorage: 2 * 256 * 4,
  };
}

/** One row: 8 outputs per workgroup of 64 threads. */
export function matvecKernel(s: LinearKind): KernelSpec {
  return {
    template: 'matvec',
    base: `matvec${suffix(s)}`,
    summary: `linear for one row: [1, inputs] -> [1, outputs]${s.bias ? ', with a bias' : ''}`,
    view: view(s),
    bindings: bindings(s),
    invocations: 64,
    workgroupStorage: 64 * 4,
  };
}

export const MATMUL_TILE = 32;
export const MATVEC_OUTPUTS = 8;
