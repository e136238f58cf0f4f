// The generation loop, shared by every backend: prefill the prompt, then decode and sample one token
// at a time until a stop token, the token limit, or the end of the context; tokens stream out as they come.
import { checkTokenId, UsageError, validateTokens, type Executor } from './executor.js';
import { Sampler, type SamplerOptions } from './sampling/sampler.js';

export interface GenerateOptions extends SamplerOptions {
  /** Most tokens to generate (default 64). */
  readonly maxTokens?: number;
  /** Token ids that end generation (the stop token is reported, not counted as text). */
  readonly stopTokens?: readonly number[];
  /** The encoder memory [length, width] for models with cross-attention. */
  readonly memory?: { readonly data: Float32Array; readonly length: number };
  /** A monotonic clock in milliseconds (default performance.now), so tests can fake time. */
  readonly now?: () => number;
}

export type FinishReason = 'stop' | 'length' | 'context';

export interface Timings {
  readonly promptTokens: number;
  readonly generatedTokens: number;
  readonly prefillMs: number;
  readonly decodeMs: number;
  /** Prompt tokens per second during prefill. */
  readonly prefillTokensPerSecond: number;
  /** Generated tokens per second during decoding (the first token comes from the prefill). */
  readonly decodeTokensPerSecond: number;
  readonly timeToFirstTokenMs: number;
}

export type GenerateEvent =
  | { readonly kind: 'token'; readonly id: number; readonly index: number }
  | { readonly kind: 'done'; readonly reason: FinishReason; readonly stopToken?: number; readonly tokens: readonly number[]; readonly timings: Timings };

/**
 * Streams generated tokens for `prompt`. The executor is reset first; its cache holds the prompt and
 * the generated tokens afterwards.
 */
export async function* generate(executor: Executor, prompt: ArrayLike<number>, options: GenerateOptions = {}): AsyncGenerator<GenerateEvent> {
  const now = options.now ?? (() => performance.now());
  const maxTokens = options.maxTokens ?? 64;
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new UsageError(`max tokens must be a whole number, 0 or more, got ${maxTokens}`);
  const spec = executor.spec;
  for (const id of options.stopTokens ?? []) checkTokenId(spec, id, `stop token ${id}`);
  const stops = new Set(options.stopTokens ?? []);
  const sampler = new Sampler(options);
  executor.reset();
  if (spec.memory) {
    if (!options.memory) throw new UsageError(`model '${spec.name}' attends to a memory '${spec.memory.name}': give one (--memory)`);
    await executor.setMemory(options.memory.data, options.memory.length);
  }
  const promptIds = Int32Array.from(prompt);
  validateTokens(spec, 0, promptIds);

  const history: number[] = Array.from(promptIds);
  const generated: number[] = [];
  const start = now();
  let logits = await executor.prefill(promptIds);
  const prefillEnd = now();
  let reason: FinishReason = 'length';
  let stopToken: number | undefined;
  let firstTokenAt = prefillEnd;

  while (generated.length < maxTokens) {
    const id = sampler.sample(logits, history);
    if (generated.length === 0) firstTokenAt = now();
    if (stops.has(id)) {
      reason = 'stop';
      stopToken = id;
      break;
    }
    generated.push(id);
    history.push(id);
    yield { kind: 'token', id, index: generated.length - 1 };
    if (generated.length >= maxTokens) break;
    if (executor.position >= spec.contextLength) {
      reason = 'context';
      break;
    }
    if (executor.position === spec.recomputeCacheAt) {
      // LongRoPE's switch to the long factors: every key is rotated again (as transformers' Phi-3 does).
      executor.reset();
      logits = await executor.prefill(Int32Array.from(history));
    } else logits = await executor.decode(id);
  }
  const end = now();
  const prefillMs = prefillEnd - start;
  const decodeMs = end - prefillEnd;
  const decoded = Math.max(0, generated.length - 1);
  yield {
    kind: 'done',
    reason,
    ...(stopToken !== undefined ? { stopToken } : {}),
    tokens: generated,
    timings: {
      promptTokens: promptIds.length,
      generatedTokens: generated.length,
      prefillMs,
      decodeMs,
      prefillTokensPerSecond: prefillMs > 0 ? (promptIds.length * 1000) / prefillMs : 0,
      decodeTokensPerSecond: decodeMs > 0 && decoded > 0 ? (decoded * 1000) / decodeMs : 0,
      timeToFirstTokenMs: firstTokenAt - start,
    },
  };
}
