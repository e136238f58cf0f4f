// KV-cache decoding = full recomputation: a prefill of the first tokens and one decode step per later
// token give every position the logits of running the whole prompt at once.
import type { Property } from '../property.js';
import { firstApart } from '../property.js';
import { allLogits, memoryFor, memoryRows, withCpu } from '../run-model.js';
import { notCausal } from './causal-paths.js';

/** Relative tolerance: decoding sums over the cache in the order a prefill does, but rows are batched differently. */
const TOLERANCE = 1e-5;

export const kvCache: Property = {
  name: 'kv-cache',
  claim: 'decoding with the KV cache gives the logits of full recomputation',
  applies: (s) => notCausal(s),
  length: (s) => ({ min: 2, max: Math.min(s.manifest.context, 12) }),
  async check(subject, c, host) {
    const vocab = subject.manifest.vocab;
    const T = c.ids.length;
    const first = 1 + (c.seed % (T - 1));
    return withCpu(subject, c, host, async (ex) => {
      const full = await allLogits(ex, subject, c.ids, c.seed);
      ex.reset();
      if (subject.manifest.memory) await ex.setMemory(memoryFor(subject, c.seed), memoryRows(subject));
      const rows = [await ex.prefill(Int32Array.from(c.ids.slice(0, first)))];
      for (let i = first; i < T; i++) rows.push(await ex.decode(c.ids[i]!));
      for (let k = 0; k < rows.length; k++) {
        const pos = first - 1 + k;
        const want = full.subarray(pos * vocab, (pos + 1) * vocab);
        const at = firstApart(rows[k]!, want, TOLERANCE);
        if (at >= 0) return `after a prefill of ${first}, ${k === 0 ? 'the prefill' : `decode step ${k}`} gives position ${pos} logit ${at} = ${rows[k]![at]}, full recomputation ${want[at]}`;
      }
      return undefined;
    });
  },
};
