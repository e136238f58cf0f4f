// layer_norm and rms_norm over the last dimension: one workgroup per row.
import { f32Literal } from '../wgsl.js';
import type { KernelSpec } from '../kernel-set.js';

const THREADS = 64;

export function layerNormKernel(width: number, eps: number, weight: boolean, bias: boolean): KernelSpec {
  const slots = 1 + Number(weight) + Number(bias);
  return {
    template: 'layer_norm',
    base: `layer_norm_${width}`,
    summary: `layer_norm: [rows, ${width}] -> [rows, ${width}], eps ${eps}`,
    view: {
      width,
      eps: f32Literal(eps),
      weight: weight ? 2 : 0,
      bias: bias ? (weight ? 3 : 2) : 0,
      out: slots + 1,
      threads: THREADS,
      half: THREADS / 2,
    },
    bindings: [...Array<'read'>(slots).fill('read'), 'read-write'],
    invocations: THREADS,
    workgroupStorage: THREADS * 4,
  };
}

export function rmsNormKernel(width: number, eps: number, weight: boolean, offset: number): KernelSpec {
  return {
    template: 'rms_norm',
    base: `rms_norm_${width}`,
    summary: `rms_norm: [rows, ${width}] -> [rows, ${width}], eps ${eps}${offset ? `, scale by ${offset} + weight` : ''}`,
    view: { width, eps: f32Literal(eps), weight: weight ? 2 : 0, out: weight ? 3 : 2, offset: f32Literal(offset), threads: THREADS, half: THREADS / 2 },
    bindings: weight ? ['read', 'read', 'read-write'] : ['read', 'read-write'],
    invocations: THREADS,
    workgroupStorage: THREADS * 4,
  };
}
