// The continuous batcher's scheduling, against a fake backend that records every step: requests join
// between steps and leave when done, a step never holds more than the capacity, the queue is bounded,
// cancelled sequences leave at the next step, and a failing backend fails its requests, not the batcher.
import { describe, expect, it } from 'vitest';
import { Batcher, QueueFullError, type BatchEvent, type ModelSpec, type SequenceExecutor } from '../src/index.js';

const VOCAB = 16;

/** Logits that make token (last + 1) % VOCAB the likeliest: greedy decoding counts upward. */
function countingLogits(last: number): Float32Array {
  const l = new Float32Array(VOCAB);
  l[(last + 1) % VOCAB] = 1;
  return l;
}

class FakeSequences implements SequenceExecutor {
  readonly spec: ModelSpec = { name: 'fake', vocabSize: VOCAB, contextLength: 32 };
  readonly sequenceBytes = 0;
  readonly steps: number[][] = [];
  readonly open_ = new Set<number>();
  failAt = -1;
  private next = 0;

  constructor(readonly maxSequences: number) {}

  open(): number {
    if (this.open_.size >= this.maxSequences) throw new Error('over capacity');
    const id = this.next++;
    this.open_.add(id);
    return id;
  }

  async prefill(_: number, tokens: Int32Array): Promise<Float32Array> {
    return countingLogits(tokens[tokens.length - 1]!);
  }

  async decode(sequences: readonly number[], tokens: Int32Array): Promise<Float32Array[]> {
    if (this.steps.length === this.failAt) {
      this.failAt = -1; // once
      throw new Error('the backend broke');
    }
    for (const s of sequences) if (!this.open_.has(s)) throw new Error(`sequence ${s} decoded after release`);
    this.steps.push([...sequences]);
    return Array.from(tokens, (t) => countingLogits(t));
  }

  release(sequence: number): void {
    this.open_.delete(sequence);
  }
}

async function drain(events: AsyncIterable<BatchEvent>): Promise<BatchEvent[]> {
  const out: BatchEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const tokensOf = (events: BatchEvent[]) => events.flatMap((e) => (e.kind === 'token' ? [e.id] : []));

describe('Batcher', () => {
  it('decodes requests together, at most capacity per step, each getting its own tokens', async () => {
    const fake = new FakeSequences(2);
    const batcher = new Batcher(fake, { maxQueue: 8 });
    const runs = [[1], [5], [9]].map((p, i) => drain(batcher.submit(p, { maxTokens: 3 + i })));
    const [a, b, c] = await Promise.all(runs);
    expect(tokensOf(a!)).toEqual([2, 3, 4]);
    expect(tokensOf(b!)).toEqual([6, 7, 8, 9]);
    expect(tokensOf(c!)).toEqual([10, 11, 12, 13, 14]);
    expect(Math.max(...fake.steps.map((s) => s.length))).toBe(2);
    // The third joined once the first left: some step holds it beside the second.
    expect(fake.steps.some((s) => s.includes(1) && s.includes(2))).toBe(true);
    expect(fake.open_.size).toBe(0);
  });

  it('refuses a request past the queue with QueueFullError', async () => {
    const batcher = new Batcher(new FakeSequences(1), { maxQueue: 1 });
    const first = drain(batcher.submit([1], { maxTokens: 4 }));
    const second = drain(batcher.submit([2], { maxTokens: 4 }));
    expect(() => batcher.submit([3], { maxTokens: 4 })).toThrow(QueueFullError);
    await Promise.all([first, second]);
  });

  it('frees a cancelled sequence at the next step and reports it cancelled', async () => {
    const fake = new FakeSequences(4);
    const batcher = new Batcher(fake);
    const controller = new AbortController();
    const events: BatchEvent[] = [];
    const other = drain(batcher.submit([3], { maxTokens: 10 }));
    for await (const e of batcher.submit([1], { maxTokens: 10, signal: controller.signal })) {
      events.push(e);
      if (e.kind === 'token' && e.index === 1) controller.abort();
    }
    expect(events.at(-1)).toMatchObject({ kind: 'cancelled' });
    expect(tokensOf(events).length).toBeLessThan(10);
    expect(tokensOf(await other)).toHaveLength(10);
    expect(batcher.stats.cancelled).toBe(1);
    expect(fake.open_.size).toBe(0);
  });

  it('cancels a request whose consumer stops reading', async () => {
    const fake = new FakeSequences(2);
    const batcher = new Batcher(fake);
    for await (const e of batcher.submit([1], { maxTokens: 20 })) if (e.kind === 'token') break;
    await batcher.idle();
    expect(batcher.stats).toMatchObject({ active: 0, waiting: 0, cancelled: 1 });
    expect(fake.steps.length).toBeLessThan(19);
  });

  it('ends the requests of a failing step with an error and keeps serving', async () => {
    const fake = new FakeSequences(2);
    fake.failAt = 1;
    const batcher = new Batcher(fake);
    const failed = await drain(batcher.submit([1], { maxTokens: 5 }));
    expect(failed.at(-1)).toMatchObject({ kind: 'error', error: { message: 'the backend broke' } });
    expect(fake.open_.size).toBe(0);
    expect(tokensOf(await drain(batcher.submit([1], { maxTokens: 3 })))).toEqual([2, 3, 4]);
  });

  it('checks prompts and options when a request is submitted', () => {
    const batcher = new Batcher(new FakeSequences(1));
    expect(() => batcher.submit([], {})).toThrow('the prompt is empty');
    expect(() => batcher.submit([99], {})).toThrow('out of range');
    expect(() => batcher.submit([1], { maxTokens: -1 })).toThrow('max tokens');
    expect(() => batcher.submit([1], { topP: 0 })).toThrow('top-p');
  });
});
