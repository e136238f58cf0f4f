// Thread count does not change bits: the WebAssembly kernels on three threads give the logits of one,
// bit for bit, for a prefill and a decode step, on runs where every worker thread took a share.
import { Arena, type CpuExecutor } from '@tdl/runtime-cpu';
import type { Case, Property } from '../property.js';
import { describeAt, firstDifference } from '../property.js';
import { allLogits, withCpu } from '../run-model.js';
import type { Subject } from '../subject.js';

const THREADS = 3;
/** Workers keep polling this long between tasks, so that small models' tasks are shared at all. */
const SPIN_MS = 25;
/** Threaded runs that must see every worker take part, and how long they may take to start. */
const SHARED_RUNS = 6;
const START_MS = 5_000;

/** A prefill of all ids but the last, then one decode step: [T, vocab] logits in one array. */
async function prefillAndStep(ex: CpuExecutor, subject: Subject, c: Case): Promise<Float32Array> {
  const prefill = await allLogits(ex, subject, c.ids.slice(0, -1), c.seed);
  const step = await ex.decode(c.ids[c.ids.length - 1]!);
  const out = new Float32Array(prefill.length + step.length);
  out.set(prefill);
  out.set(step, prefill.length);
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const threadCount: Property = {
  name: 'threads',
  claim: `${THREADS} threads give the bits of one`,
  applies: (_s, host) => (!Arena.supported ? 'no WebAssembly SIMD with shared memory here' : host.spawn ? undefined : 'no way to start worker threads was given'),
  // Long prompts: more rows and keys to share out, so the workers' part of the sums is larger.
  length: (s) => ({ min: Math.min(s.manifest.context, 12), max: Math.min(s.manifest.context, 12) }),
  maxRuns: 2,
  async check(subject, c, host) {
    const threads = { threads: THREADS, spawn: host.spawn!, spinMs: SPIN_MS };
    const one = await withCpu(subject, c, host, (ex) => prefillAndStep(ex, subject, c), { wasm: true });
    return withCpu(
      subject,
      c,
      host,
      async (ex) => {
        const deadline = Date.now() + START_MS;
        let shared = 0;
        while (shared < SHARED_RUNS) {
          const before = ex.threadsJoined;
          const many = await prefillAndStep(ex, subject, c);
          const at = firstDifference(one, many);
          if (at >= 0) return `${THREADS} threads differ from one at ${describeAt(at, subject.manifest.vocab, many, one)}`;
          if (ex.threadsJoined.every((n, i) => n > before[i]!)) shared++;
          else if (Date.now() > deadline) return { inconclusive: `the worker threads took no share of the work within ${START_MS / 1000} s (a busy machine), so their bits were never compared` };
          else await sleep(SPIN_MS); // they are still starting
        }
        return undefined;
      },
      { wasm: true, threads },
    );
  },
};
