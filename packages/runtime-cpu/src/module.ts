// The contract between a generated CPU module and the runtime: what it exports and what it gets.
import type { ModelManifest as Manifest } from '@tdl/runtime';
import type { ModelOptions } from './cache.js';

/** Static facts about the model, written into the generated module: the contract's manifest, and what the CPU packs. */
export interface ModelManifest extends Manifest {
  /** The parameters the model packs for the linear kernel (ws.matrix), by full name. */
  readonly packed: readonly string[];
}

/**
 * The full names of a repeat region's per-layer parameters: layer i of `label` runs body
 * bodyOfLayer[i], whose parameters are `names[body]` relative to the layer (`attn.q.weight` in layer 3
 * of `h` is `h.3.attn.q.weight`). Generated manifests list their packed matrices with it.
 */
export function layerParams(label: string, bodyOfLayer: readonly number[], names: readonly (readonly string[])[]): string[] {
  return bodyOfLayer.flatMap((body, layer) => names[body]!.map((n) => `${label}.${layer}.${n}`));
}

/** Looks up a weight by parameter name; the loader checked names and shapes before. */
export interface Weights {
  get(name: string): Float32Array;
}

/** One model instance: its weights, KV caches and workspace. */
export interface ModelInstance {
  /**
   * Runs `tokens` at positions past … past + T - 1 (the cache holds `past` tokens), appending
   * their keys and values. Returns logits [T, vocab], or [1, vocab] for the last row when `lastOnly`.
   */
  forward(tokens: Int32Array, past: number, lastOnly: boolean): Float32Array;
  /** Computes cross-attention keys and values for a memory [length, width]. */
  setMemory(memory: Float32Array, length: number): void;
  /** Makes `forward` read and write the self-attention caches of `sequence` (0 until another is chosen). */
  select(sequence: number): void;
  /** Frees the caches of `sequence`; choosing it again starts it empty. */
  release(sequence: number): void;
  /** Starts sequence `to` (one without caches) with a copy of the first `rows` cached keys and values of `from`. */
  fork(from: number, to: number, rows: number): void;
  /**
   * One decode step of B sequences at once: row b runs `tokens[b]` at `positions[b]` (the tokens
   * `sequences[b]` has cached), appending to that sequence's caches. Returns logits [B, vocab]. Each
   * matrix is read once for all rows, and each row's logits are bit for bit a one-token `forward`'s.
   */
  decodeBatch(tokens: Int32Array, positions: Int32Array, sequences: Int32Array): Float32Array;
  /** Bytes the self-attention caches of one sequence take (keys and values of every layer, full context). */
  readonly sequenceBytes: number;
}

export interface GeneratedModule {
  readonly MODEL: ModelManifest;
  /** A model instance; `options.arena` puts its tensors in a WebAssembly arena (else plain arrays). */
  createModel(weights: Weights, options?: ModelOptions): ModelInstance;
}
