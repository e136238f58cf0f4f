// The contract a backend offers for batched decoding: many sequences, each with its own KV cache,
// decoded together one token each per step. Also a one-at-a-time form for any plain Executor.
import { UsageError, validateTokens, type Executor, type ModelSpec } from '../executor.js';

/** A backend that keeps several sequences' caches at once and decodes them in one step. */
export interface SequenceExecutor {
  readonly spec: ModelSpec;
  /** The most sequences it holds at once (its memory budget, or 1 for a plain Executor). */
  readonly maxSequences: number;
  /** Bytes of cache one sequence takes, for budgets and reports. */
  readonly sequenceBytes: number;
  /** Starts an empty sequence and returns its id; refuses past `maxSequences`. */
  open(): number;
  /** Runs a sequence's prompt into its cache; returns the last position's logits [vocab]. */
  prefill(sequence: number, tokens: Int32Array): Promise<Float32Array>;
  /** One token more for each of `sequences` (tokens[b] for sequences[b]); returns each one's logits [vocab]. */
  decode(sequences: readonly number[], tokens: Int32Array): Promise<Float32Array[]>;
  /** Frees a sequence's cache (its id may be given out again). */
  release(sequence: number): void;
}

/**
 * Sequences that can be forked: beam search keeps several continuations of one prefix and, each step,
 * lets a beam's cache become the start of several new beams. `fork(from)` opens a sequence whose
 * cache holds what `from`'s holds now; both then go on independently.
 */
export interface ForkingSequences extends SequenceExecutor {
  fork(from: number): number;
}

/**
 * Sequences one at a time on a plain Executor (its one KV cache): a backend without a batched path
 * still serves, requests waiting their turn instead of sharing steps.
 */
export class OneAtATime implements SequenceExecutor {
  readonly maxSequences = 1;
  readonly sequenceBytes = 0;
  private current: number | undefined;
  private next = 0;

  constructor(private readonly executor: Executor) {}

  get spec(): ModelSpec {
    return this.executor.spec;
  }

  open(): number {
    if (this.current !== undefined) throw new Error('internal error: a second sequence opened on a one-at-a-time executor');
    this.executor.reset();
    return (this.current = this.next++);
  }

  async prefill(sequence: number, tokens: Int32Array): Promise<Float32Array> {
    this.check(sequence);
    validateTokens(this.spec, this.executor.position, tokens);
    return this.executor.prefill(tokens);
  }

  async decode(sequences: readonly number[], tokens: Int32Array): Promise<Float32Array[]> {
    if (sequences.length !== 1) throw new UsageError(`a one-at-a-time executor decodes one sequence per step, got ${sequences.length}`);
    this.check(sequences[0]!);
    return [await this.executor.decode(tokens[0]!)];
  }

  release(sequence: number): void {
    if (sequence === this.current) this.current = undefined;
  }

  private check(sequence: number): void {
    if (sequence !== this.current) throw new Error(`internal error: sequence ${sequence} is not the open one`);
  }
}
