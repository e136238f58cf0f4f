// The Executor: what a backend (CPU or WebGPU) provides so the one generation loop can drive it.

/** What the generation loop needs to know about a model. */
export interface ModelSpec {
  readonly name: string;
  readonly vocabSize: number;
  /** The longest sequence (prompt plus generated tokens) the model runs. */
  readonly contextLength: number;
  /** The encoder memory cross-attention reads, when the model has one. */
  readonly memory?: { readonly name: string; readonly width: number; readonly maxLength?: number };
  /** The cache length at which the next token reruns the whole sequence (ModelManifest.recomputeCacheAt). */
  readonly recomputeCacheAt?: number;
}

export interface ForwardOptions {
  /** Return logits for every new position ([T, vocab]) instead of only the last ([vocab]). */
  readonly allLogits?: boolean;
}

/**
 * A model instance with its KV cache. Calls run in order: `setMemory` (if the model has a memory),
 * then `prefill` with the prompt, then `decode` once per generated token; `reset` empties the cache.
 */
export interface Executor {
  readonly spec: ModelSpec;
  /** Tokens already in the KV cache. */
  readonly position: number;
  /** Sets the encoder memory [length, width] (row-major); its keys and values are computed once here. */
  setMemory(memory: Float32Array, length: number): Promise<void>;
  /** Runs the prompt's tokens after those already cached; returns the last position's logits (or all). */
  prefill(tokens: Int32Array, options?: ForwardOptions): Promise<Float32Array>;
  /** Runs one more token; returns its logits [vocab]. */
  decode(token: number): Promise<Float32Array>;
  /** Forgets every cached token (the memory stays). */
  reset(): void;
  /** Releases buffers (GPU memory); the executor is unusable afterwards. */
  dispose(): void;
}

/** A user's mistake found at run time (a token id out of range, a prompt longer than the context …). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Checks the tokens a caller passes against the spec and the cache, with a message naming the problem. */
export function validateTokens(spec: ModelSpec, position: number, tokens: ArrayLike<number>): void {
  if (tokens.length === 0) throw new UsageError('no tokens to run: the prompt is empty');
  for (let i = 0; i < tokens.length; i++) checkTokenId(spec, tokens[i]!, `token id ${tokens[i]} at position ${position + i}`);
  if (position + tokens.length > spec.contextLength) {
    throw new UsageError(
      `${position + tokens.length} tokens do not fit the context of model '${spec.name}' (${spec.contextLength} tokens)` +
        (position ? `: ${position} are cached and ${tokens.length} more were given` : ''),
    );
  }
}

/** Refuses an id outside the vocabulary; `what` names it in the message (`stop token 99999`). */
export function checkTokenId(spec: Pick<ModelSpec, 'name' | 'vocabSize'>, id: number, what: string): void {
  if (!Number.isInteger(id) || id < 0 || id >= spec.vocabSize) {
    throw new UsageError(`${what} is out of range for model '${spec.name}' (vocabulary ${spec.vocabSize}: ids 0 to ${spec.vocabSize - 1})`);
  }
}

/** Checks a memory against the model's declared width and bound. */
export function validateMemory(spec: ModelSpec, memory: Float32Array, length: number): void {
  const m = spec.memory;
  if (!m) throw new UsageError(`model '${spec.name}' has no memory input`);
  if (!Number.isInteger(length) || length < 1) throw new UsageError(`the memory must have at least one row, got ${length}`);
  if (memory.length !== length * m.width) {
    throw new UsageError(`memory '${m.name}' must be [S, ${m.width}], but ${memory.length} values do not make ${length} rows of ${m.width}`);
  }
  if (m.maxLength !== undefined && length > m.maxLength) {
    throw new UsageError(`memory '${m.name}' has ${length} rows; the model allows at most ${m.maxLength}`);
  }
}
