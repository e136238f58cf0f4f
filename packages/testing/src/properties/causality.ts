// Causality: changing the tokens after position t leaves the logits of positions 0 … t bit-identical,
// and the change does reach the last position.
import type { Property } from '../property.js';
import { describeAt, firstDifference } from '../property.js';
import { allLogits, withCpu } from '../run-model.js';
import { notCausal } from './causal-paths.js';

export const causality: Property = {
  name: 'causality',
  claim: 'changing tokens after t leaves the logits up to t bit-identical',
  applies: (s) => notCausal(s),
  length: (s) => ({ min: 2, max: Math.min(s.manifest.context, 12) }),
  async check(subject, c, host) {
    const vocab = subject.manifest.vocab;
    const T = c.ids.length;
    const t = c.seed % (T - 1); // positions 0 … t keep their tokens
    const changed = c.ids.map((id, i) => (i > t ? (id + 1 + i) % vocab : id));
    return withCpu(subject, c, host, async (ex) => {
      const a = await allLogits(ex, subject, c.ids, c.seed);
      const b = await allLogits(ex, subject, changed, c.seed);
      const keep = (t + 1) * vocab;
      const at = firstDifference(a.subarray(0, keep), b.subarray(0, keep));
      if (at >= 0) return `tokens after position ${t} changed the logits at ${describeAt(at, vocab, a, b)}`;
      if (firstDifference(a.subarray((T - 1) * vocab), b.subarray((T - 1) * vocab)) < 0) return `changing the tokens after position ${t} left the last position's logits unchanged`;
      return undefined;
    });
  },
};
