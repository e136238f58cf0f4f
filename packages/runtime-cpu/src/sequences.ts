// Batched decoding on the CPU: several sequences, each with its own self-attention caches in the one
// model instance, decoded together so every weight matrix is read once per step for all of them.
import { UsageError, validateTokens, type ForkingSequences, type ModelSpec } from '@tdl/runtime';
import type { ModelInstance } from './module.js';

export interface SequenceOptions {
  /** Bytes the sequences' caches may take together; bounds how many run at once. */
  readonly memoryBytes?: number;
  /** Most sequences at once (default 16), within the memory budget. */
  readonly maxSequences?: number;
}

export class CpuSequences implements ForkingSequences {
  readonly maxSequences: number;
  readonly sequenceBytes: number;
  /** Tokens each open sequence has cached, by id. Ids start at 1: sequence 0 is the plain executor's. */
  private readonly cached = new Map<number, number>();
  private readonly freeIds: number[] = [];
  private nextId = 1;

  constructor(
    readonly spec: ModelSpec,
    private readonly instance: ModelInstance,
    options: SequenceOptions = {},
  ) {
    this.sequenceBytes = instance.sequenceBytes;
    const cap = options.maxSequences ?? 16;
    const byMemory = options.memoryBytes === undefined || this.sequenceBytes === 0 ? cap : Math.floor(options.memoryBytes / this.sequenceBytes);
    if (byMemory < 1) {
      throw new UsageError(`one sequence's KV cache takes ${mib(this.sequenceBytes)} MiB, more than the ${mib(options.memoryBytes ?? 0)} MiB budget`);
    }
    this.maxSequences = Math.min(cap, byMemory);
    if (spec.memory) throw new UsageError(`model '${spec.name}' attends to a memory: batched decoding runs models without one`);
  }

  open(): number {
    if (this.cached.size >= this.maxSequences) throw new Error(`internal error: more than ${this.maxSequences} sequences opened`);
    const id = this.freeIds.pop() ?? this.nextId++;
    this.cached.set(id, 0);
    return id;
  }

  fork(from: number): number {
    const rows = this.position(from);
    const id = this.open();
    this.instance.fork(from, id, rows);
    this.cached.set(id, rows);
    return id;
  }

  async prefill(sequence: number, tokens: Int32Array): Promise<Float32Array> {
    const past = this.position(sequence);
    validateTokens(this.spec, past, tokens);
    this.instance.select(sequence);
    const logits = this.instance.forward(tokens, past, true).slice();
    this.cached.set(sequence, past + tokens.length);
    return logits;
  }

  async decode(sequences: readonly number[], tokens: Int32Array): Promise<Float32Array[]> {
    if (tokens.length !== sequences.length) throw new Error(`internal error: ${tokens.length} tokens for ${sequences.length} sequences`);
    const positions = Int32Array.from(sequences, (s) => this.position(s));
    if (new Set(sequences).size !== sequences.length) throw new Error('internal error: a sequence twice in one step');
    sequences.forEach((s, b) => validateTokens(this.spec, positions[b]!, tokens.subarray(b, b + 1)));
    const logits = this.instance.decodeBatch(tokens, positions, Int32Array.from(sequences));
    const vocab = this.spec.vocabSize;
    sequences.forEach((s, b) => this.cached.set(s, positions[b]! + 1));
    return sequences.map((_, b) => logits.slice(b * vocab, (b + 1) * vocab));
  }

  release(sequence: number): void {
    if (!this.cached.delete(sequence)) return;
    this.instance.release(sequence);
    this.freeIds.push(sequence);
  }

  private position(sequence: number): number {
    const p = this.cached.get(sequence);
    if (p === undefined) throw new Error(`internal error: sequence ${sequence} is not open`);
    return p;
  }
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
