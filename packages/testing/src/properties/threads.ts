// Thread count does not change bits: the WebAssembly kernels on three threads give the logits of one,
// bit for bit, for a prefill and for decode steps.
import { Arena } from '@tdl/runtime-cpu';
import type { Property } from '../property.js';
import { describeAt, firstDifference } from '../property.js';
import { allLogits, withCpu } from '../run-model.js';
import type { Subject } from '../subject.js';
import type { Case, Host } from '../property.js';

const THREADS = 3;

async function logitsOn(threads: number, subject: Subject, c: Case, host: Host): Promise<Float32Array> {
  const options = threads > 1 ? { wasm: true, threads: { threads, spawn: host.spawn!, spinMs: 1 } } : { wasm: true };
  return withCpu(
    subject,
    c,
    host,
    async (ex) => {
      const prefill = await allLogits(ex, subject, c.ids.slice(0, -1), c.seed);
      const step = await ex.decode(c.ids[c.ids.length - 1]!);
      const out = new Float32Array(prefill.length + step.length);
      out.set(prefill);
      out.set(step, prefill.length);
      return out;
    },
    options,
  );
}

export const threadCount: Property = {
  name: 'threads',
  claim: `${THREADS} threads give the bits of one`,
  applies: (_s, host) => (!Arena.supported ? 'no WebAssembly SIMD with shared memory here' : host.spawn ? undefined : 'no way to start worker threads was given'),
  length: (s) => ({ min: 2, max: Math.min(s.manifest.context, 10) }),
  async check(subject, c, host) {
    const one = await logitsOn(1, subject, c, host);
    const many = await logitsOn(THREADS, subject, c, host);
    const at = firstDifference(one, many);
    return at < 0 ? undefined : `${THREADS} threads differ from one at ${describeAt(at, subject.manifest.vocab, many, one)}`;
  },
};
