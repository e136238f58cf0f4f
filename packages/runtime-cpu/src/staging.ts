// Where a model's weights go, decided before any is loaded, and staging: weight matrices packed into
// the arena as a loader produces them, so each loaded array can be let go before the next is read.
import { UsageError, type ParamSpec, type WeightMap } from '@tdl/runtime';
import { Arena } from './arena.js';
import type { CpuOptions } from './executor.js';
import type { ModelManifest } from './module.js';
import type { ThreadOptions } from './threads/team.js';
import { isQuantFormat, type MatrixDtype } from '@tdl/runtime';
import { QUANT_BLOCK_BYTES } from './wasm/quant-linear.wat.js';
import { quantizable } from './quant/matrix.js';

/** Weights up to this many bytes go into a WebAssembly arena; its addresses stop at 4 GiB. */
const ARENA_WEIGHT_LIMIT = 3 * 2 ** 30;

/** Whether a model runs in an arena, in which format, and how many bytes its weights take there. */
export interface Placement {
  readonly wasm: boolean;
  readonly weightFormat: MatrixDtype;
  readonly weightBytes: number;
}

/** Decides where the weights of `m` go; refuses what cannot run (16-bit weights without an arena that fits them). */
export function placeWeights(m: ModelManifest, options: CpuOptions): Placement {
  const weightFormat = options.weightFormat ?? 'f32';
  const packed = new Set(m.packed);
  // Packed matrices in the weight format, everything else in f32.
  const weightBytes = m.params.reduce((n, p) => n + (packed.has(p.name) ? bytesPerWeight(weightFormat, p.shape[1] ?? 1) : 4) * p.shape.reduce((a, b) => a * b, 1), 0);
  // f32 weights too large for an arena fall back to the JavaScript kernels; 16-bit or block ones have nowhere to go.
  const wasm = options.wasm ?? (Arena.supported && (weightBytes <= ARENA_WEIGHT_LIMIT || weightFormat !== 'f32'));
  if (!wasm && weightFormat !== 'f32') throw new UsageError(`${weightFormat} weights need the WebAssembly kernels (the JavaScript ones keep f32)`);
  if (wasm && !Arena.supported) throw new UsageError('this JavaScript engine cannot run the WebAssembly kernels (SIMD and shared memory)');
  if (wasm && weightBytes > ARENA_WEIGHT_LIMIT) {
    throw new UsageError(`the weights of '${m.name}' in ${weightFormat} (${(weightBytes / 2 ** 30).toFixed(1)} GiB) do not fit the WebAssembly kernels' 4 GiB memory`);
  }
  return { wasm, weightFormat, weightBytes };
}

/** Bytes a packed matrix with `cols` columns takes per weight in `dtype` (rows not of whole blocks stay f32). */
function bytesPerWeight(dtype: MatrixDtype, cols: number): number {
  if (isQuantFormat(dtype)) return quantizable(cols) ? QUANT_BLOCK_BYTES[dtype] / 32 : 4;
  return dtype === 'f32' ? 4 : 2;
}

/** The arena of a placement, sized for its weights. */
export function arenaFor(placement: Placement, threads: ThreadOptions | undefined): Arena {
  return new Arena({ reserve: Math.ceil(placement.weightBytes * 1.05), ...(threads ? { threads } : {}) });
}

/**
 * A model's weights gathered one parameter at a time into its arena: a packed matrix is packed as it
 * arrives (the caller drops its array), anything else is kept as it is. Hand it to CpuExecutor in place
 * of a weight map; until then, `dispose` frees the arena (and its threads) if loading fails.
 */
export class StagedWeights {
  readonly weights = new Map<string, Float32Array>();
  private readonly specs: ReadonlyMap<string, ParamSpec>;
  private readonly packed: ReadonlySet<string>;
  private claimed = false;

  constructor(
    manifest: ModelManifest,
    readonly arena: Arena,
    readonly format: MatrixDtype,
  ) {
    this.specs = new Map(manifest.params.map((p) => [p.name, p]));
    this.packed = new Set(manifest.packed);
  }

  /** Takes parameter `name` (already checked against its shape by the loader). */
  put(name: string, data: Float32Array): void {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`internal error: staging '${name}', which the model does not have`);
    if (this.weights.has(name)) throw new Error(`internal error: '${name}' staged twice`);
    if (!this.packed.has(name)) {
      this.weights.set(name, data);
      return;
    }
    this.weights.set(name, this.arena.stage(this.arena.packAs(data, spec.shape[0]!, spec.shape[1]!, this.format, name)));
  }

  /** The arena and weights, for the executor that takes them over (once). */
  claim(): { arena: Arena; weights: WeightMap } {
    if (this.claimed) throw new Error('internal error: staged weights claimed twice');
    this.claimed = true;
    return { arena: this.arena, weights: this.weights };
  }

  /** Frees the arena unless an executor has taken it. */
  dispose(): void {
    if (!this.claimed) this.arena.dispose();
  }
}
