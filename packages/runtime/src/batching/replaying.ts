// Forking sequences over any plain Executor by recomputation: each sequence keeps its token history,
// and the executor's one cache holds whichever ran last; running another replays its history first.
import { validateTokens, type Executor, type ModelSpec } from '../executor.js';
import type { ForkingSequences } from './sequences.js';

/**
 * The fallback for executors that hold one KV cache (WebGPU today, and models whose cache is
 * recomputed mid-sequence): correct for every model, at the cost of re-running a sequence's whole
 * history whenever another sequence ran in between. Decoding the sequence that ran last is a plain
 * one-token step.
 */
export class Replaying implements ForkingSequences {
  readonly sequenceBytes = 0;
  private readonly histories = new Map<number, number[]>();
  private resident: number | undefined;
  private next = 0;

  constructor(
    private readonly executor: Executor,
    readonly maxSequences = Number.MAX_SAFE_INTEGER,
  ) {}

  get spec(): ModelSpec {
    return this.executor.spec;
  }

  open(): number {
    if (this.histories.size >= this.maxSequences) throw new Error(`internal error: more than ${this.maxSequences} sequences opened`);
    const id = this.next++;
    this.histories.set(id, []);
    return id;
  }

  fork(from: number): number {
    const id = this.open();
    this.histories.set(id, [...this.history(from)]);
    return id;
  }

  async prefill(sequence: number, tokens: Int32Array): Promise<Float32Array> {
    const history = this.history(sequence);
    validateTokens(this.spec, history.length, tokens);
    history.push(...tokens);
    return this.bringIn(sequence, tokens.length);
  }

  async decode(sequences: readonly number[], tokens: Int32Array): Promise<Float32Array[]> {
    if (tokens.length !== sequences.length) throw new Error(`internal error: ${tokens.length} tokens for ${sequences.length} sequences`);
    const out: Float32Array[] = [];
    for (let b = 0; b < sequences.length; b++) {
      const history = this.history(sequences[b]!);
      validateTokens(this.spec, history.length, tokens.subarray(b, b + 1));
      history.push(tokens[b]!);
      out.push(await this.bringIn(sequences[b]!, 1));
    }
    return out;
  }

  release(sequence: number): void {
    this.histories.delete(sequence);
    if (this.resident === sequence) this.resident = undefined;
  }

  /** Runs the last `fresh` tokens of `sequence`'s history, replaying the rest first unless it is cached. */
  private async bringIn(sequence: number, fresh: number): Promise<Float32Array> {
    const history = this.history(sequence);
    const cached = history.length - fresh;
    const e = this.executor;
    if (this.resident === sequence && e.position === cached && e.position !== this.spec.recomputeCacheAt) {
      return fresh === 1 ? e.decode(history[cached]!) : e.prefill(Int32Array.from(history.slice(cached)));
    }
    e.reset();
    this.resident = sequence;
    return e.prefill(Int32Array.from(history));
  }

  private history(sequence: number): number[] {
    const h = this.histories.get(sequence);
    if (!h) throw new Error(`internal error: sequence ${sequence} is not open`);
    return h;
  }
}
