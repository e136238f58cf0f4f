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

export function moeAccumulateKernel(width: number, experts: number, expert: number): KernelSpec {
  const first = expert === 0;
  return {
    template: 'moe_accumulate',
    base: `moe_accumulate_${width}_e${expert}`,
    summary: `moe_accumulate: [rows, ${width}] ${first ? '=' : '+='} expert ${expert}'s output times its routing weight`,
    view: { width, experts, expert, first, threads: ELEMENTWISE_THREADS },
    bindings: ['read', 'read', 'read-write'],
    invocations: ELEMENTWISE_THREADS,
    workgroupStorage: 0,
  };
}
