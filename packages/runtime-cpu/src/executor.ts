// The CPU Executor: drives a generated module's model instance for the shared generation loop.
import { UsageError, validateMemory, validateTokens, type Executor, type ForwardOptions, type ModelSpec, type WeightMap } from '@tdl/runtime';
import { checkF16Range, type Arena } from './arena.js';
import { arenaFor, placeWeights, StagedWeights } from './staging.js';
import { CpuSequences, type SequenceOptions } from './sequences.js';
import type { ThreadOptions } from './threads/team.js';
import type { MatrixDtype } from '@tdl/runtime';
import type { GeneratedModule, ModelInstance } from './module.js';

export interface CpuOptions {
  /**
   * Run the WebAssembly SIMD kernels (default: where the engine has them and the weights fit the
   * arena's 4 GiB). false: the plain JavaScript kernels, which sum in double precision.
   */
  readonly wasm?: boolean;
  /** Worker threads for the WebAssembly kernels (the host starts them); default: the main thread alone. */
  readonly threads?: ThreadOptions;
  /**
   * How the WebAssembly kernels keep weight matrices (linear layers, tied tables): f32 (default), or
   * bf16 or f16, half the bytes to read for every token (arithmetic stays f32 either way); or q8_0 or
   * q4_0, ggml's blocks of 32 codes and an f16 scale, quantized at load (8.5 and 4.5 bits a weight).
   */
  readonly weightFormat?: MatrixDtype;
}

export class CpuExecutor implements Executor {
  readonly spec: ModelSpec;
  private readonly instance: ModelInstance;
  private readonly arena: Arena | undefined;
  private cached = 0;
  private hasMemory = false;

  /**
   * `weights`: a map of every parameter, or weights staged into an arena as they were loaded (see
   * `CpuExecutor.stage`), which this executor takes over.
   */
  constructor(module: GeneratedModule, weights: WeightMap | StagedWeights, options: CpuOptions = {}) {
    const m = module.MODEL;
    this.spec = {
      name: m.name,
      vocabSize: m.vocab,
      contextLength: m.context,
      ...(m.memory ? { memory: m.memory } : {}),
      ...(m.recomputeCacheAt !== undefined ? { recomputeCacheAt: m.recomputeCacheAt } : {}),
    };
    let map: WeightMap;
    let weightFormat: MatrixDtype;
    if (weights instanceof StagedWeights) {
      const staged = weights.claim();
      this.arena = staged.arena;
      map = staged.weights;
      weightFormat = weights.format;
    } else {
      const placement = placeWeights(m, options);
      weightFormat = placement.weightFormat;
      // The workspace packs without names: check here, where they are known.
      if (weightFormat === 'f16') for (const name of m.packed) checkF16Range(weights.get(name) ?? new Float32Array(0), name);
      this.arena = placement.wasm ? arenaFor(placement, options.threads) : undefined;
      map = weights;
    }
    try {
      this.instance = module.createModel(
        {
          get(name) {
            const w = map.get(name);
            if (!w) throw new UsageError(`no weights for parameter ${name}`);
            return w;
          },
        },
        this.arena ? { arena: this.arena, weightFormat } : {},
      );
      if (this.arena && this.arena.unclaimed) throw new Error(`internal error: ${this.arena.unclaimed} staged matrices were not used by the model`);
    } catch (e) {
      this.arena?.dispose();
      throw e;
    }
  }

  /**
   * Weights to load one parameter at a time (`put`) into the arena this model will run in, or
   * undefined where it runs on the JavaScript kernels (load a map then). Packing each matrix as it
   * arrives lets its loaded array go, so a model's peak memory is near its weights' size, not twice it.
   */
  static stage(module: GeneratedModule, options: CpuOptions = {}): StagedWeights | undefined {
    const placement = placeWeights(module.MODEL, options);
    return placement.wasm ? new StagedWeights(module.MODEL, arenaFor(placement, options.threads), placement.weightFormat) : undefined;
  }

  /** Threads the kernels run on (1 without an arena). */
  get threads(): number {
    return this.arena?.threads ?? 1;
  }

  /** Bytes of the WebAssembly arena in use (weights, caches, workspace); 0 without one. */
  get arenaBytes(): number {
    return this.arena?.bytes ?? 0;
  }

  /** Whether the WebAssembly kernels run this model. */
  get wasm(): boolean {
    return this.arena !== undefined;
  }

  get position(): number {
    return this.cached;
  }

  async setMemory(memory: Float32Array, length: number): Promise<void> {
    const spec = this.spec.memory;
    if (!spec) throw new UsageError(`model '${this.spec.name}' has no memory input`);
    validateMemory(this.spec, memory, length);
    this.instance.setMemory(memory, length);
    this.hasMemory = true;
  }

  async prefill(tokens: Int32Array, options: ForwardOptions = {}): Promise<Float32Array> {
    return this.run(tokens, !options.allLogits);
  }

  async decode(token: number): Promise<Float32Array> {
    return this.run(Int32Array.of(token), true);
  }

  reset(): void {
    this.cached = 0;
  }

  /** How many tasks each worker thread has joined so far (empty without workers): a thread test knows they took part. */
  get threadsJoined(): number[] {
    return this.arena && this.arena.threads > 1 ? this.arena.joined : [];
  }

  /**
   * Batched decoding over this executor's weights: sequences with their own caches beside the plain
   * executor's (sequence 0), decoded together. Call it once; it shares the model instance.
   */
  sequences(options: SequenceOptions = {}): CpuSequences {
    return new CpuSequences(this.spec, this.instance, options);
  }

  dispose(): void {
    this.arena?.dispose();
  }

  private run(tokens: Int32Array, lastOnly: boolean): Float32Array {
    validateTokens(this.spec, this.cached, tokens);
    if (this.spec.memory && !this.hasMemory) throw new UsageError(`model '${this.spec.name}' needs its memory '${this.spec.memory.name}' set first`);
    this.instance.select(0);
    const logits = this.instance.forward(tokens, this.cached, lastOnly);
    this.cached += tokens.length;
    return logits.slice();
  }
}
