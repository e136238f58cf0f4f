// Splits a model's work by when it runs: per token step (the stream), or once per memory.
import type { Graph, ValueId } from '../../ir/nodes.js';
import { valueOrigins } from '../../ir/walk.js';

export type Phase = 'stream' | 'memory';

/** Values computed from memories alone run once per memory; everything else per step. */
export function valuePhases(graph: Graph): Map<ValueId, Phase> {
  const origins = valueOrigins(graph);
  const tokens = graph.items.find((i) => i.op === 'input' && i.role === 'tokens');
  const tokenName = tokens && tokens.op === 'input' ? tokens.name : undefined;
  const phases = new Map<ValueId, Phase>();
  for (const [id, from] of origins) phases.set(id, tokenName !== undefined && from.has(tokenName) ? 'stream' : from.size ? 'memory' : 'stream');
  return phases;
}
