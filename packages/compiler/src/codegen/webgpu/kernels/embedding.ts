// Lookups and positions: embedding rows, absolute positions, the sinusoidal table.
import type { KernelSpec } from '../kernel-set.js';
import type { WeightFormat } from '@tdl/runtime/contract';
import { packing } from './packing.js';
import { ELEMENTWISE_THREADS as THREADS } from './elementwise.js';

export function embeddingKernel(width: number, weightType: WeightFormat): KernelSpec {
  return {
    template: 'embedding',
    base: `embedding_${width}${weightType === 'f32' ? '' : `_${weightType}`}`,
    summary: `embedding: ids [rows] -> [rows, ${width}]`,
    view: { width, ...packing(weightType), threads: THREADS },
    bindings: ['read', 'read', 'read-write'],
    invocations: THREADS,
    workgroupStorage: 0,
  };
}

export function positionsKernel(offset: number): KernelSpec {
  return {
    template: 'positions',
    base: offset ? `positions_${offset}` : 'positions',
    summary: `positions: [rows] = start + r${offset ? ` + ${offset}` : ''}`,
    view: { offset, threads: THREADS },
    bindings: ['read-write'],
    invocations: THREADS,
    workgroupStorage: 0,
  };
}

export function sinusoidalKernel(width: number, base: number): KernelSpec {
  return {
    template: 'sinusoidal',
    base: `sinusoidal_${width}`,
    summary: `sinusoidal: positions [rows] -> [rows, ${width}], base ${base}`,
    view: { width, pairs: width / 2, base, threads: THREADS },
    bindings: ['read', 'read', 'read-write'],
    invocations: THREADS,
    workgroupStorage: 0,
  };
}
