// The generation loop against a scripted executor: order of calls, stop conditions, streaming, errors.
import { describe, expect, it } from 'vitest';
import { generate, UsageError, validateTokens, type Executor, type GenerateEvent, type ModelSpec } from '../src/index.js';

/** An executor whose logits favour `next(lastToken)`, recording every call. */
function scripted(spec: ModelSpec, next: (last: number) => number): Executor & { calls: string[] } {
  let position = 0;
  const calls: string[] = [];
  const logitsFor = (last: number) => {
    const l = new Float32Array(spec.vocabSize);
    l[next(last)] = 10;
    return l;
  };
  return {
    spec,
    calls,
    get position() {
      return position;
    },
    async setMemory(_m, length) {
      calls.push(`memory ${length}`);
    },
    async prefill(tokens) {
      validateTokens(spec, position, tokens);
      calls.push(`prefill ${Array.from(tokens).join(',')}`);
      position += tokens.length;
      return logitsFor(tokens[tokens.length - 1]!);
    },
    async decode(token) {
      validateTokens(spec, position, [token]);
      calls.push(`decode ${token}`);
      position += 1;
      return logitsFor(token);
    },
    reset() {
      calls.push('reset');
      position = 0;
    },
    dispose() {},
  };
}

async function collect(it: AsyncGenerator<GenerateEvent>): Promise<GenerateEvent[]> {
  const out: GenerateEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const spec: ModelSpec = { name: 'toy', vocabSize: 10, contextLength: 8 };

describe('generate', () => {
  it('reruns the whole sequence from an empty cache once, when the cache holds recomputeCacheAt tokens (LongRoPE)', async () => {
    const ex = scripted({ ...spec, recomputeCacheAt: 3 }, (t) => (t + 1) % 10);
    await collect(generate(ex, [1, 2], { maxTokens: 4 }));
    expect(ex.calls).toEqual(['reset', 'prefill 1,2', 'decode 3', 'reset', 'prefill 1,2,3,4', 'decode 5']);
  });

  it('prefills the prompt, then decodes each sampled token, streaming them', async () => {
    const ex = scripted(spec, (t) => (t + 1) % 10);
    const events = await collect(generate(ex, [1, 2], { maxTokens: 3 }));
    expect(ex.calls).toEqual(['reset', 'prefill 1,2', 'decode 3', 'decode 4']);
    expect(events.filter((e) => e.kind === 'token').map((e) => (e.kind === 'token' ? e.id : -1))).toEqual([3, 4, 5]);
    const done = events.at(-1)!;
    expect(done.kind === 'done' && done.reason).toBe('length');
    expect(done.kind === 'done' && done.tokens).toEqual([3, 4, 5]);
  });

  it('stops at a stop token without emitting it', async () => {
    const ex = scripted(spec, (t) => (t + 1) % 10);
    const events = await collect(generate(ex, [1], { maxTokens: 10, stopTokens: [4] }));
    const done = events.at(-1)!;
    expect(done.kind === 'done' && [done.reason, done.stopToken, done.tokens]).toEqual(['stop', 4, [2, 3]]);
  });

  it('stops when the context is full', async () => {
    const ex = scripted(spec, (t) => (t + 1) % 10);
    const events = await collect(generate(ex, [1, 2, 3, 4, 5], { maxTokens: 10 }));
    const done = events.at(-1)!;
    // 5 prompt tokens + 3 decoded fill the 8-token context; the token sampled from the last logits is emitted too.
    expect(done.kind === 'done' && [done.reason, done.tokens.length]).toEqual(['context', 4]);
    expect(ex.position).toBe(8);
  });

  it('sets the memory first for models that have one, and asks for it otherwise', async () => {
    const withMemory: ModelSpec = { ...spec, memory: { name: 'memory', width: 4 } };
    const ex = scripted(withMemory, () => 0);
    await collect(generate(ex, [1], { maxTokens: 1, memory: { data: new Float32Array(8), length: 2 } }));
    expect(ex.calls.slice(0, 2)).toEqual(['reset', 'memory 2']);
    await expect(collect(generate(scripted(withMemory, () => 0), [1]))).rejects.toThrow(/give one \(--memory\)/);
  });

  it('refuses an empty prompt, ids out of range and prompts longer than the context', async () => {
    await expect(collect(generate(scripted(spec, () => 0), []))).rejects.toThrow(UsageError);
    await expect(collect(generate(scripted(spec, () => 0), [10]))).rejects.toThrow(/token id 10 at position 0 is out of range/);
    await expect(collect(generate(scripted(spec, () => 0), new Array(9).fill(1)))).rejects.toThrow(/9 tokens do not fit the context/);
  });

  it('reports timings from the clock it is given', async () => {
    let t = 0;
    const events = await collect(generate(scripted(spec, (x) => x), [1, 2, 3, 4], { maxTokens: 3, now: () => (t += 100) }));
    const done = events.at(-1)!;
    if (done.kind !== 'done') throw new Error('no done event');
    expect(done.timings.promptTokens).toBe(4);
    expect(done.timings.prefillMs).toBe(100);
    expect(done.timings.prefillTokensPerSecond).toBe(40);
    expect(done.timings.decodeTokensPerSecond).toBeGreaterThan(0);
  });
});
