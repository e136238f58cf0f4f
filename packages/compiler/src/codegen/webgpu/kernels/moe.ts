// Mixture-of-experts kernels: the router's top-k choice as a [rows, experts] weight matrix, and the
// weighted sum of the experts' outputs (each expert itself runs as linear and element-wise kernels).
import type { KernelSpec } from '../kernel-set.js';
import { ELEMENTWISE_THREADS } from './elementwise.js';

export function moeRouteKernel(experts: number, topK: number, normTopk: boolean): KernelSpec {
  return {
    template: 'moe_route',
    base: `moe_route_${experts}_top${topK}`,
    summary: `moe_route: [rows, ${experts}] router scores -> the weights of each row's top ${topK} experts${normTopk ? ', renormalised' : ''}`,
    view: { experts, topK, normTopk, threads: ELEMENTWISE_THREADS },
    bindings: ['read', 'read-write'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}

/** The expert's index comes in the uniform's `inputs` field, so one kernel serves every expert after the first. */
export function moeAccumulateKernel(width: number, experts: number, first: boolean): KernelSpec {
  return {
    template: 'moe_accumulate',
    base: `moe_${first ? 'set' : 'accumulate'}_${width}`,
    summary: `moe_accumulate: [rows, ${width}] ${first ? '=' : '+='} one expert's output times its routing weight`,
    view: { width, experts, first, threads: ELEMENTWISE_THREADS },
    bindings: ['read', 'read', 'read-write'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}
