// What a model's attentions say about it: which ones mix token positions (their keys come from the
// tokens), their masks, the layers each runs in, and whether cross-attention reads the memory.
import { allNodes, valueOrigins, type AttentionNode, type Graph, type Mask } from '@tdl/compiler';

export interface AttentionSite {
  readonly node: AttentionNode;
  /** The label path that names it (`layers.{i}.self_attn`), for messages. */
  readonly label: string;
  /** Keys from the token stream: the attention mixes positions of the prompt. */
  readonly mixesTokens: boolean;
  /** Keys from a memory input (cross-attention). */
  readonly readsMemory: boolean;
  /** How many layers run it (1 outside a repeat). */
  readonly layers: number;
}

export function attentionSites(graph: Graph): AttentionSite[] {
  const origins = valueOrigins(graph);
  const tokens = graph.items.find((i) => i.op === 'input' && i.role === 'tokens');
  const memories = new Set(graph.items.flatMap((i) => (i.op === 'input' && i.role === 'memory' ? [i.name] : [])));
  const out: AttentionSite[] = [];
  for (const { node, body } of allNodes(graph)) {
    if (node.op !== 'attention') continue;
    const from = origins.get(node.k) ?? new Set<string>();
    // Origins are transitive: after a cross-attention the token stream carries the memory too, so an
    // attention reads the memory as such only where its keys come from the memory alone.
    const mixesTokens = tokens !== undefined && tokens.op === 'input' && from.has(tokens.name);
    out.push({
      node,
      label: node.label ?? 'attention',
      mixesTokens,
      readsMemory: !mixesTokens && [...from].some((n) => memories.has(n)),
      layers: body ? body.layers.length : 1,
    });
  }
  return out;
}

/** Whether a mask lets a position see only itself and earlier ones. */
export function isCausal(mask: Mask): boolean {
  switch (mask.kind) {
    case 'causal':
    case 'sliding':
      return true;
    case 'none':
      return false;
    default: {
      const never: never = mask;
      return never;
    }
  }
}
