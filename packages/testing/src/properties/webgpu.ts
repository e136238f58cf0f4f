// CPU = WebGPU: the WGSL kernels give every position the CPU's logits within 1e-4 (f32), when the host
// has a WebGPU adapter.
import { generateWebGpu } from '@tdl/compiler';
import { WebGpuExecutor } from '@tdl/runtime-webgpu';
import type { Property } from '../property.js';
import { firstApart, describeAt } from '../property.js';
import { allLogits, memoryFor, memoryRows, withCpu } from '../run-model.js';

const TOLERANCE = 1e-4;

export const cpuWebGpu: Property = {
  name: 'webgpu',
  claim: `WebGPU gives the CPU's logits within ${TOLERANCE}`,
  async applies(_s, host) {
    if (!host.webgpu) return 'no WebGPU device was asked for';
    const device = await host.webgpu();
    return typeof device === 'string' ? device : undefined;
  },
  length: (s) => ({ min: 1, max: Math.min(s.manifest.context, 8) }),
  async check(subject, c, host) {
    const device = await host.webgpu!();
    if (typeof device === 'string') return `WebGPU went away: ${device}`;
    const want = await withCpu(subject, c, host, (ex) => allLogits(ex, subject, c.ids, c.seed));
    const ex = await WebGpuExecutor.create(device, generateWebGpu(subject.graph, { weights: 'f32' }), subject.weights(c.seed));
    try {
      if (subject.manifest.memory) await ex.setMemory(memoryFor(subject, c.seed), memoryRows(subject));
      const got = await ex.prefill(Int32Array.from(c.ids), { allLogits: true });
      const at = firstApart(got, want, TOLERANCE);
      return at < 0 ? undefined : `WebGPU differs from the CPU at ${describeAt(at, subject.manifest.vocab, got, want)}`;
    } finally {
      ex.dispose();
    }
  },
};
