// Forking sequences on WebGPU: each sequence not running now keeps its KV caches in GPU buffers of its
// own; running it copies them into the executor's caches (and the previous one's out), all on the GPU.
import { validateTokens, type ForkingSequences, type ModelSpec } from '@tdl/runtime';
import type { WebGpuExecutor } from './executor.js';

/** The self-attention caches of one sequence and how many tokens they hold. */
export interface CacheSnapshot {
  readonly buffers: readonly GPUBuffer[];
  readonly position: number;
}

/**
 * Sequences for beam search on one WebGPU executor. Switching the sequence that runs costs two copies
 * of the caches on the GPU (out, then in) and no readback; a sequence run twice in a row costs none.
 */
export class WebGpuSequences implements ForkingSequences {
  readonly sequenceBytes = 0;
  /** Each open sequence's saved caches; undefined while it is empty or resident. */
  private readonly saved = new Map<number, CacheSnapshot | undefined>();
  private resident: number | undefined;
  private next = 0;

  constructor(
    private readonly executor: WebGpuExecutor,
    readonly maxSequences: number,
  ) {
    executor.reset();
  }

  get spec(): ModelSpec {
    return this.executor.spec;
  }

  open(): number {
    if (this.saved.size >= this.maxSequences) throw new Error(`internal error: more than ${this.maxSequences} sequences opened`);
    const id = this.next++;
    this.saved.set(id, undefined);
    return id;
  }

  fork(from: number): number {
    const snapshot = this.resident === from ? this.executor.saveCache() : this.snapshotOf(from);
    const id = this.open();
    this.saved.set(id, snapshot && this.resident !== from ? this.executor.copyCache(snapshot) : snapshot);
    return id;
  }

  async prefill(sequence: number, tokens: Int32Array): Promise<Float32Array> {
    this.bringIn(sequence);
    validateTokens(this.spec, this.executor.position, tokens);
    return this.executor.prefill(tokens);
  }

  async decode(sequences: readonly number[], tokens: Int32Array): Promise<Float32Array[]> {
    if (tokens.length !== sequences.length) throw new Error(`internal error: ${tokens.length} tokens for ${sequences.length} sequences`);
    const out: Float32Array[] = [];
    for (let b = 0; b < sequences.length; b++) {
      this.bringIn(sequences[b]!);
      out.push(await this.executor.decode(tokens[b]!));
    }
    return out;
  }

  release(sequence: number): void {
    const snapshot = this.saved.get(sequence);
    for (const b of snapshot?.buffers ?? []) b.destroy();
    this.saved.delete(sequence);
    if (this.resident === sequence) this.resident = undefined;
  }

  /** Makes `sequence`'s caches the executor's, saving the resident sequence's first. */
  private bringIn(sequence: number): void {
    if (this.resident === sequence) return;
    const snapshot = this.snapshotOf(sequence);
    if (this.resident !== undefined) this.saved.set(this.resident, this.executor.saveCache(this.saved.get(this.resident)));
    if (snapshot) this.executor.restoreCache(snapshot);
    else this.executor.reset();
    this.resident = sequence;
  }

  private snapshotOf(sequence: number): CacheSnapshot | undefined {
    if (!this.saved.has(sequence)) throw new Error(`internal error: sequence ${sequence} is not open`);
    return this.saved.get(sequence);
  }
}
