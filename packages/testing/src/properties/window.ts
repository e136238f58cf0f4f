// Sliding windows are local: when every attention over the tokens slides, the last position reaches back
// exactly Σ layers·(window − 1) positions; a token further back does not change its logits, the
// nearest one inside does.
import { attentionSites } from '../attention-kinds.js';
import type { Property } from '../property.js';
import { describeAt, firstDifference } from '../property.js';
import type { Subject } from '../subject.js';
import { allLogits, withCpu } from '../run-model.js';

/** How far back the last position sees, or why the window property does not apply. */
function reachOf(subject: Subject): number | string {
  const mixing = attentionSites(subject.graph).filter((s) => s.mixesTokens);
  if (!mixing.some((s) => s.node.mask.kind === 'sliding')) return 'no sliding-window attention';
  const global = mixing.find((s) => s.node.mask.kind !== 'sliding');
  if (global) return `${global.label} attends globally (mask = ${global.node.mask.kind}), so every earlier token stays in reach`;
  let reach = 0;
  for (const s of mixing) if (s.node.mask.kind === 'sliding') reach += s.layers * (s.node.mask.window - 1);
  if (reach + 2 > subject.manifest.context) return `the window reaches ${reach} positions back, which the context of ${subject.manifest.context} cannot hold`;
  return reach;
}

export const slidingWindow: Property = {
  name: 'window',
  claim: 'tokens beyond the sliding windows’ reach do not change the last logits; the nearest inside does',
  applies: (s) => {
    const r = reachOf(s);
    return typeof r === 'string' ? r : undefined;
  },
  length: (s) => {
    const reach = reachOf(s) as number;
    return { min: reach + 2, max: Math.min(s.manifest.context, reach + 6) };
  },
  async check(subject, c, host) {
    const reach = reachOf(subject) as number;
    const vocab = subject.manifest.vocab;
    const last = c.ids.length - 1;
    const edge = last - reach; // the furthest position the last one sees
    const bump = (id: number) => (id + 5) % vocab;
    const outside = c.ids.map((id, i) => (i < edge ? bump(id) : id));
    const inside = c.ids.map((id, i) => (i === edge ? bump(id) : id));
    return withCpu(subject, c, host, async (ex) => {
      const row = (l: Float32Array) => l.subarray(last * vocab);
      const a = row(await allLogits(ex, subject, c.ids, c.seed));
      const out = row(await allLogits(ex, subject, outside, c.seed));
      const at = firstDifference(a, out);
      if (at >= 0) return `tokens before position ${edge} (outside a reach of ${reach}) changed the last position's ${describeAt(at, vocab, a, out).replace(/^position 0, /, '')}`;
      const inn = row(await allLogits(ex, subject, inside, c.seed));
      if (firstDifference(a, inn) < 0) return `the token at position ${edge} (inside a reach of ${reach}) did not change the last position's logits`;
      return undefined;
    });
  },
};
