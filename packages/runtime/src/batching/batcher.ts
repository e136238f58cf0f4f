// Continuous batching: requests join the running batch between decode steps and leave it when they
// finish, each sequence with its own cache and sampler; every step decodes one token for all of them,
// so the weights are read once per step whatever the number of sequences.
import { checkTokenId, UsageError, validateTokens, type ModelSpec } from '../executor.js';
import type { FinishReason, GenerateEvent, GenerateOptions, Timings } from '../generate.js';
import { Sampler } from '../sampling/sampler.js';
import { Channel } from './channel.js';
import type { SequenceExecutor } from './sequences.js';

export interface BatcherOptions {
  /** Requests that may wait for a free sequence; one more is refused with QueueFullError (default 64). */
  readonly maxQueue?: number;
  /** Most sequences decoded together (default and upper bound: the executor's maxSequences). */
  readonly maxBatch?: number;
  /** A monotonic clock in milliseconds (default performance.now). */
  readonly now?: () => number;
}

/** What one request asks for: `generate`'s options (no memory) and a signal that cancels it. */
export interface BatchRequest extends Omit<GenerateOptions, 'memory' | 'now'> {
  readonly signal?: AbortSignal;
}

/**
 * A request's events: `generate`'s tokens and done, or `cancelled` (its signal fired or its consumer
 * stopped reading; its sequence is freed at the next step), or `error` when the backend failed.
 */
export type BatchEvent = GenerateEvent | { readonly kind: 'cancelled'; readonly tokens: readonly number[] } | { readonly kind: 'error'; readonly error: Error };

/** The queue is full: try again later. */
export class QueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`the server is busy: ${waiting} requests are waiting already`);
    this.name = 'QueueFullError';
  }
}

/** One request in the batcher's hands. */
interface Job {
  readonly prompt: Int32Array;
  readonly maxTokens: number;
  readonly stops: ReadonlySet<number>;
  readonly sampler: Sampler;
  readonly history: number[];
  readonly generated: number[];
  readonly events: Channel<BatchEvent>;
  sequence: number;
  /** The token to decode in the next step. */
  pending: number;
  state: 'waiting' | 'active' | 'done';
  cancelled: boolean;
  start: number;
  prefillEnd: number;
  firstTokenAt: number;
}

export interface BatcherStats {
  readonly active: number;
  readonly waiting: number;
  /** Decode steps run so far. */
  readonly steps: number;
  /** Requests cancelled so far (signal or consumer gone) before they finished. */
  readonly cancelled: number;
}

export class Batcher {
  readonly spec: ModelSpec;
  /** Most sequences decoded together. */
  readonly capacity: number;
  private readonly maxQueue: number;
  private readonly now: () => number;
  private readonly waiting: Job[] = [];
  private active: Job[] = [];
  private running: Promise<void> | undefined;
  private steps = 0;
  private cancelledCount = 0;

  constructor(
    private readonly executor: SequenceExecutor,
    options: BatcherOptions = {},
  ) {
    this.spec = executor.spec;
    const maxBatch = options.maxBatch ?? executor.maxSequences;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new UsageError(`the batch size must be a whole number, 1 or more, got ${maxBatch}`);
    this.capacity = Math.min(maxBatch, executor.maxSequences);
    this.maxQueue = options.maxQueue ?? 64;
    if (!Number.isInteger(this.maxQueue) || this.maxQueue < 0) throw new UsageError(`the queue length must be a whole number, 0 or more, got ${this.maxQueue}`);
    this.now = options.now ?? (() => performance.now());
  }

  get stats(): BatcherStats {
    return { active: this.active.length, waiting: this.waiting.length, steps: this.steps, cancelled: this.cancelledCount };
  }

  /**
   * Queues a request and streams its events. Checks the prompt and options now (a UsageError names
   * the problem); throws QueueFullError when `maxQueue` requests wait already and no sequence is free.
   */
  submit(prompt: ArrayLike<number>, request: BatchRequest = {}): AsyncIterable<BatchEvent> {
    const maxTokens = request.maxTokens ?? 64;
    if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new UsageError(`max tokens must be a whole number, 0 or more, got ${maxTokens}`);
    for (const id of request.stopTokens ?? []) checkTokenId(this.spec, id, `stop token ${id}`);
    const ids = Int32Array.from(prompt);
    validateTokens(this.spec, 0, ids);
    const sampler = new Sampler(request);
    const free = this.capacity - this.active.length - this.waiting.length;
    if (free <= 0 && this.waiting.length >= this.maxQueue) throw new QueueFullError(this.waiting.length);
    const job: Job = {
      prompt: ids,
      maxTokens,
      stops: new Set(request.stopTokens ?? []),
      sampler,
      history: Array.from(ids),
      generated: [],
      events: new Channel<BatchEvent>(() => this.cancel(job)),
      sequence: -1,
      pending: -1,
      state: 'waiting',
      cancelled: false,
      start: 0,
      prefillEnd: 0,
      firstTokenAt: 0,
    };
    const signal = request.signal;
    if (signal?.aborted) job.cancelled = true;
    else signal?.addEventListener('abort', () => this.cancel(job), { once: true });
    this.waiting.push(job);
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return job.events;
  }

  /** Resolves when no request is waiting or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private cancel(job: Job): void {
    if (job.state === 'done' || job.cancelled) return;
    job.cancelled = true;
    if (job.state === 'waiting') {
      this.waiting.splice(this.waiting.indexOf(job), 1);
      this.end(job, { kind: 'cancelled', tokens: job.generated });
    }
    // An active job leaves at the next step, between kernels.
  }

  private async loop(): Promise<void> {
    while (this.active.length || this.waiting.length) {
      try {
        await this.step();
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        for (const job of [...this.active, ...this.waiting.splice(0)]) this.end(job, { kind: 'error', error });
        this.active = [];
      }
      // Let the host run (write streamed tokens, take new requests) between steps.
      await breathe();
    }
  }

  /** Admits waiting requests while sequences are free, then decodes one token for every active one. */
  private async step(): Promise<void> {
    this.dropCancelled();
    while (this.waiting.length && this.active.length < this.capacity) {
      const job = this.waiting.shift()!;
      if (job.cancelled) this.end(job, { kind: 'cancelled', tokens: job.generated });
      else await this.admit(job);
    }
    this.dropCancelled();
    const rows = this.active;
    if (!rows.length) return;
    const logits = await this.executor.decode(
      rows.map((j) => j.sequence),
      Int32Array.from(rows, (j) => j.pending),
    );
    this.steps++;
    rows.forEach((job, b) => this.advance(job, logits[b]!));
    this.active = this.active.filter((j) => j.state === 'active');
  }

  private dropCancelled(): void {
    for (const job of this.active) if (job.cancelled) this.end(job, { kind: 'cancelled', tokens: job.generated });
    this.active = this.active.filter((j) => j.state === 'active');
  }

  private async admit(job: Job): Promise<void> {
    job.sequence = this.executor.open();
    job.state = 'active';
    this.active.push(job);
    job.start = this.now();
    const logits = await this.executor.prefill(job.sequence, job.prompt);
    job.prefillEnd = job.firstTokenAt = this.now();
    if (job.maxTokens === 0) this.finish(job, 'length');
    else this.advance(job, logits);
  }

  /** Samples a job's next token from its logits: the same decisions, in the same order, as `generate`. */
  private advance(job: Job, logits: Float32Array): void {
    if (job.cancelled) return;
    const id = job.sampler.sample(logits, job.history);
    if (job.generated.length === 0) job.firstTokenAt = this.now();
    if (job.stops.has(id)) return this.finish(job, 'stop', id);
    job.generated.push(id);
    job.history.push(id);
    job.events.push({ kind: 'token', id, index: job.generated.length - 1 });
    if (job.generated.length >= job.maxTokens) return this.finish(job, 'length');
    // Tokens in the cache: the prompt and every generated token but the last.
    if (job.prompt.length + job.generated.length - 1 >= this.spec.contextLength) return this.finish(job, 'context');
    job.pending = id;
  }

  private finish(job: Job, reason: FinishReason, stopToken?: number): void {
    const end = this.now();
    const prefillMs = job.prefillEnd - job.start;
    const decodeMs = end - job.prefillEnd;
    const decoded = Math.max(0, job.generated.length - 1);
    const timings: Timings = {
      promptTokens: job.prompt.length,
      generatedTokens: job.generated.length,
      prefillMs,
      decodeMs,
      prefillTokensPerSecond: prefillMs > 0 ? (job.prompt.length * 1000) / prefillMs : 0,
      decodeTokensPerSecond: decodeMs > 0 && decoded > 0 ? (decoded * 1000) / decodeMs : 0,
      timeToFirstTokenMs: job.firstTokenAt - job.start,
    };
    this.end(job, { kind: 'done', reason, ...(stopToken !== undefined ? { stopToken } : {}), tokens: job.generated, timings });
  }

  private end(job: Job, event: BatchEvent): void {
    if (job.state === 'done') return;
    if (event.kind === 'cancelled') this.cancelledCount++;
    if (job.state === 'active') this.executor.release(job.sequence);
    job.state = 'done';
    job.events.push(event);
    job.events.end();
  }
}

/** Yields to the event loop (a macrotask, so I/O callbacks run). */
function breathe(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
