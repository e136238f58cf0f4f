// The memory matters exactly where cross-attention reads it: another memory changes the logits of a
// model whose attention reads it, and changes nothing where none does.
import { attentionSites } from '../attention-kinds.js';
import type { Property } from '../property.js';
import { describeAt, firstDifference } from '../property.js';
import { allLogits, withCpu } from '../run-model.js';

export const memoryEffect: Property = {
  name: 'memory',
  claim: 'the memory changes the logits through cross-attention, and only there',
  applies: (s) => (s.manifest.memory ? undefined : 'no memory input (no cross-attention)'),
  length: (s) => ({ min: 1, max: Math.min(s.manifest.context, 8) }),
  async check(subject, c, host) {
    const read = attentionSites(subject.graph).filter((s) => s.readsMemory);
    const vocab = subject.manifest.vocab;
    return withCpu(subject, c, host, async (ex) => {
      const a = await allLogits(ex, subject, c.ids, c.seed);
      const b = await allLogits(ex, subject, c.ids, c.seed + 1);
      const at = firstDifference(a, b);
      if (read.length && at < 0) return `another memory left every logit unchanged, though ${read.map((s) => s.label).join(', ')} read it`;
      if (!read.length && at >= 0) return `no attention reads the memory, yet another one changed the logits at ${describeAt(at, vocab, a, b)}`;
      return undefined;
    });
  },
};
