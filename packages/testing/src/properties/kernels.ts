// The CPU's two kernel sets agree: the WebAssembly SIMD kernels (f32 sums) give the logits of the
// plain JavaScript kernels (double-precision sums) within 1e-4, for a prefill and decode steps.
import { Arena } from '@tdl/runtime-cpu';
import type { Property } from '../property.js';
import { firstApart, describeAt } from '../property.js';
import { allLogits, withCpu } from '../run-model.js';

const TOLERANCE = 1e-4;

export const kernelSets: Property = {
  name: 'kernels',
  claim: `the WebAssembly kernels give the JavaScript kernels' logits within ${TOLERANCE}`,
  applies: () => (Arena.supported ? undefined : 'no WebAssembly SIMD with shared memory here'),
  length: (s) => ({ min: 1, max: Math.min(s.manifest.context, 10) }),
  async check(subject, c, host) {
    const run = (wasm: boolean) => withCpu(subject, c, host, (ex) => allLogits(ex, subject, c.ids, c.seed), { wasm });
    const js = await run(false);
    const wasm = await run(true);
    const at = firstApart(wasm, js, TOLERANCE);
    return at < 0 ? undefined : `the WebAssembly kernels differ from the JavaScript ones at ${describeAt(at, subject.manifest.vocab, wasm, js)}`;
  },
};
