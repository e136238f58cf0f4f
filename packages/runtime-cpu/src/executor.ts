// The CPU Executor: drives a generated module's model instance for the shared generation loop.
import { UsageError, validateMemory, validateTokens, type Executor, type ForwardOptions, type ModelSpec, type WeightMap } from '@tdl/runtime';
import type { GeneratedModule, ModelInstance } from './module.js';

export class CpuExecutor implements Executor {
  readonly spec: ModelSpec;
  private readonly instance: ModelInstance;
  private cached = 0;
  private hasMemory = false;

  constructor(module: GeneratedModule, weights: WeightMap) {
    const m = module.MODEL;
    this.spec = {
      name: m.name,
      vocabSize: m.vocab,
      contextLength: m.context,
      ...(m.memory ? { memory: m.memory } : {}),
    };
    this.instance = module.createModel({
      get(name) {
        const w = weights.get(name);
        if (!w) throw new UsageError(`no weights for parameter ${name}`);
        return w;
      },
    });
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

  dispose(): void {}

  private run(tokens: Int32Array, lastOnly: boolean): Float32Array {
    validateTokens(this.spec, this.cached, tokens);
    if (this.spec.memory && !this.hasMemory) throw new UsageError(`model '${this.spec.name}' needs its memory '${this.spec.memory.name}' set first`);
    const logits = this.instance.forward(tokens, this.cached, lastOnly);
    this.cached += tokens.length;
    return logits.slice();
  }
}
