// What every backend's runtime is told about a compiled model: its sizes, its memory input, and every
// parameter with its shape and how to initialise it. The compiler writes it (codegen/schedule), the
// generated CPU module exports it as MODEL, the WebGPU plan carries it as `model`.

export type ParamInit = { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'ones' } | { readonly kind: 'zeros' };

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
}

/** An encoder output the model attends to: [S, width], S at most maxLength when the file bounds it. */
export interface MemorySpec {
  readonly name: string;
  readonly width: number;
  readonly maxLength?: number;
}

export interface ModelManifest {
  readonly name: string;
  readonly vocab: number;
  readonly context: number;
  readonly memory: MemorySpec | null;
  readonly params: readonly ParamSpec[];
  /**
   * LongRoPE, generated as transformers' Phi-3 does: when the cache holds exactly this many tokens
   * and one more comes, the whole sequence runs again from an empty cache, so every key takes the
   * long factors instead of keeping the short ones it was rotated with.
   */
  readonly recomputeCacheAt?: number;
}
