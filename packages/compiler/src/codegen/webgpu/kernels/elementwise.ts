// Element-wise kernels: activations, scaling and soft-capping (one input), add / sub / mul (two), and
// tanh_gate (one input times tanh of a learned scalar).
import type { Activation } from '../../../ir/nodes.js';
import { f32Literal } from '../wgsl.js';
import type { KernelSpec } from '../kernel-set.js';

export const ELEMENTWISE_THREADS = 256;

export type UnaryFn = { readonly kind: Activation } | { readonly kind: 'scale'; readonly factor: number } | { readonly kind: 'softcap'; readonly cap: number };

export function unaryKernel(fn: UnaryFn, width: number): KernelSpec {
  const detail = fn.kind === 'scale' ? ` by ${fn.factor}` : fn.kind === 'softcap' ? ` at ${fn.cap}` : '';
  return {
    template: 'unary',
    base: `${fn.kind}_${width}`,
    summary: `${fn.kind}${detail}: [rows, ${width}] element-wise`,
    view: {
      width,
      fn: fn.kind,
      fnPartial: `fn-${fn.kind}`,
      factor: fn.kind === 'scale' ? f32Literal(fn.factor) : '',
      cap: fn.kind === 'softcap' ? f32Literal(fn.cap) : '',
      threads: ELEMENTWISE_THREADS,
    },
    bindings: ['read', 'read-write'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}

const OPERATORS = { add: '+', sub: '-', mul: '*' } as const;

export function binaryKernel(op: keyof typeof OPERATORS, width: number): KernelSpec {
  return {
    template: 'binary',
    base: `${op}_${width}`,
    summary: `${op}: [rows, ${width}] element-wise`,
    view: { width, operator: OPERATORS[op], threads: ELEMENTWISE_THREADS },
    bindings: ['read', 'read', 'read-write'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}

export function tanhGateKernel(width: number): KernelSpec {
  return {
    template: 'tanh_gate',
    base: `tanh_gate_${width}`,
    summary: `tanh_gate: [rows, ${width}] times tanh of a learned scalar`,
    view: { width, threads: ELEMENTWISE_THREADS },
    bindings: ['read', 'read', 'read-write'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}
