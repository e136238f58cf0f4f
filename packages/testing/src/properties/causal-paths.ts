// Why causality (and the decoding that rests on it) does not apply to a model: an attention that mixes
// token positions without a causal mask.
import { attentionSites, isCausal } from '../attention-kinds.js';
import type { Subject } from '../subject.js';

export function notCausal(subject: Subject): string | undefined {
  const sites = attentionSites(subject.graph);
  const open = sites.find((s) => s.mixesTokens && !isCausal(s.node.mask));
  if (open) return `${open.label} attends over the tokens without a causal mask (mask = none)`;
  if (!sites.some((s) => s.mixesTokens)) return 'no attention mixes token positions';
  return undefined;
}
