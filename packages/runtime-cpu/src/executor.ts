// The CPU Executor: drives a generated module's model instance for the shared generation loop.
import { UsageError, validateMemory, validateTokens, type Executor, type ForwardOptions, type ModelSpec, type WeightMap } from '@tdl/runtime';
import { Arena } from './arena.js';
import type { ThreadOptions } from './threads/team.js';
import type { WeightFormat } from './wasm/linear.wat.js';
import type { GeneratedModule, ModelInstance, ModelManifest } from './module.js';

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
   * bf16 or f16, half the bytes to read for every token; arithmetic stays f32 either way.
   */
  readonly weightFormat?: WeightFormat;
}

/** Weights up to this many bytes go into a WebAssembly arena; its addresses stop at 4 GiB. */
const ARENA_WEIGHT_LIMIT = 3 * 2 ** 30;

export class CpuExecutor implements Executor {
  readonly spec: ModelSpec;
  private readonly instance: ModelInstance;
  private readonly arena: Arena | undefined;
  private cached = 0;
  private hasMemory = false;

  constructor(module: GeneratedModule, weights: WeightMap, options: CpuOptions = {}) {
    const m = module.MODEL;
    this.spec = {
      name: m.name,
      vocabSize: m.vocab,
      contextLength: m.context,
      ...(m.memory ? { memory: m.memory } : {}),
    };
    const weightFormat = options.weightFormat ?? 'f32';
    // Matrices (two-dimensional parameters) in the weight format, everything else in f32.
    const weightBytes = m.params.reduce((n, p) => n + (p.shape.length === 2 && weightFormat !== 'f32' ? 2 : 4) * p.shape.reduce((a, b) => a * b, 1), 0);
    // f32 weights too large for an arena fall back to the JavaScript kernels; 16-bit ones have nowhere to go.
    const wasm = options.wasm ?? (Arena.supported && (weightBytes <= ARENA_WEIGHT_LIMIT || weightFormat !== 'f32'));
    if (!wasm && weightFormat !== 'f32') throw new UsageError(`${weightFormat} weights need the WebAssembly kernels (the JavaScript ones keep f32)`);
    if (wasm && !Arena.supported) throw new UsageError('this JavaScript engine cannot run the WebAssembly kernels (SIMD and shared memory)');
    if (wasm && weightBytes > ARENA_WEIGHT_LIMIT) {
      throw new UsageError(`the weights of '${m.name}' in ${weightFormat} (${(weightBytes / 2 ** 30).toFixed(1)} GiB) do not fit the WebAssembly kernels' 4 GiB memory`);
    }
    if (weightFormat === 'f16') checkF16Range(m.params, weights);
    this.arena = wasm ? new Arena({ reserve: Math.ceil(weightBytes * 1.05), ...(options.threads ? { threads: options.threads } : {}) }) : undefined;
    try {
      this.instance = module.createModel(
        {
          get(name) {
            const w = weights.get(name);
            if (!w) throw new UsageError(`no weights for parameter ${name}`);
            return w;
          },
        },
        this.arena ? { arena: this.arena, weightFormat } : {},
      );
    } catch (e) {
      this.arena?.dispose();
      throw e;
    }
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

  dispose(): void {
    this.arena?.dispose();
  }

  private run(tokens: Int32Array, lastOnly: boolean): Float32Array {
    validateTokens(this.spec, this.cached, tokens);
    if (this.spec.memory && !this.hasMemory) throw new UsageError(`model '${this.spec.name}' needs its memory '${this.spec.memory.name}' set first`);
    const logits = this.instance.forward(tokens, this.cached, lastOnly);
    this.cached += tokens.length;
    return logits.slice();
  }
}

/** Refuses matrices with values f16 cannot hold (from 65520 up they round to infinity), by name. */
function checkF16Range(params: ModelManifest['params'], weights: WeightMap): void {
  for (const p of params) {
    const w = p.shape.length === 2 ? weights.get(p.name) : undefined;
    if (!w) continue;
    for (let i = 0; i < w.length; i++) {
      if (!(Math.abs(w[i]!) < 65520)) throw new UsageError(`weight '${p.name}' holds ${w[i]}, beyond f16's range (±65504): keep the weights in bf16 or f32`);
    }
  }
}
