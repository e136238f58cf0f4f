// The per-sequence part of a batched decode step: each row is one sequence's next token, at its own
// position, attending to its own cache; the matrix work around it runs on all rows at once.
import type { KVCache } from '../cache.js';
import { attend, type AttentionConfig } from './attention.js';
import { rope } from './rope.js';

/** The rows of one batched decode step: row b is the next token of sequence `sequences[b]`, at `positions[b]`. */
export interface DecodeBatch {
  readonly sequences: Int32Array;
  readonly positions: Int32Array;
}

/** Rotary embeddings as an attention site applies them (see `rope`). */
export interface RopeSpec {
  readonly dim: number;
  readonly theta: number;
  readonly layout: 'half' | 'interleaved';
}

/** out [rows]: each row's absolute position plus `offset` (the batched form of `positions`). */
export function batchPositions(out: Int32Array, batch: DecodeBatch, offset: number): void {
  for (let r = 0; r < out.length; r++) out[r] = batch.positions[r]! + offset;
}

/**
 * Self-attention of a batched decode step. q [rows, heads * headDim], newKeys and newValues
 * [rows, kvWidth] are the rows' projections; row b's keys and values are stored in its sequence's
 * cache at its position, rotated there (and its query) as a single decoded token would be, and its
 * context out[b] [heads * headDim] attends to that sequence's keys 0 … position. Row by row, the
 * kernels get exactly the arguments a one-token decode gives them, so the bits are the same.
 */
export function attendBatch(
  out: Float32Array,
  q: Float32Array,
  newKeys: Float32Array,
  newValues: Float32Array,
  cache: KVCache,
  batch: DecodeBatch,
  cfg: AttentionConfig,
  rotary: RopeSpec | undefined,
  scores: Float32Array,
): void {
  const qWidth = cfg.heads * cfg.headDim;
  const kvWidth = cache.width;
  for (let b = 0; b < batch.sequences.length; b++) {
    const position = batch.positions[b]!;
    cache.select(batch.sequences[b]!);
    const query = q.subarray(b * qWidth, (b + 1) * qWidth); // [1, heads × headDim]
    const keys = cache.keyRows(position, 1); // [1, kvWidth], in the sequence's cache
    keys.set(newKeys.subarray(b * kvWidth, (b + 1) * kvWidth));
    cache.valueRows(position, 1).set(newValues.subarray(b * kvWidth, (b + 1) * kvWidth));
    if (rotary) {
      rope(query, 1, cfg.heads, cfg.headDim, rotary.dim, position, rotary.theta, rotary.layout);
      rope(keys, 1, cfg.kvHeads, cfg.headDim, rotary.dim, position, rotary.theta, rotary.layout);
    }
    attend(out.subarray(b * qWidth, (b + 1) * qWidth), query, 1, position, cache.keys, cache.values, position + 1, cfg, scores);
  }
}
