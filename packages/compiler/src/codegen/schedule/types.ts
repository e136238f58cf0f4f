// The schedule: what every backend renders. It says, once for all of them, when each value is computed
// (per memory or per token step), where the per-token work narrows to the last rows (the tail), how layers
// are grouped into bodies, what a layer carries, what each value and weight field is called, which
// workspace slot a value lives in, and which steps are fused. A renderer walks `steps` and prints.
import type {
  AttentionNode,
  DType,
  EmbeddingNode,
  LayerNormNode,
  LinearNode,
  PositionsNode,
  RepeatRegion,
  RmsNormNode,
  SinusoidalNode,
  ActivationNode,
  ScaleNode,
  SoftcapNode,
  TanhGateNode,
  MoeNode,
  BinaryNode,
  ValueId,
} from '../../ir/nodes.js';
import type { ModelManifest } from '@tdl/runtime/contract';

/** Per token step (the stream), or once per memory. */
export type Phase = 'stream' | 'memory';

/** Rows a step runs on: `R` new tokens, the `tail` (the last rows, after the last attention), or `S` memory rows. */
export type Rows = 'R' | 'tail' | 'S';

/** A value as the scope reading it names it. `name` is an identifier, unique in its scope. */
export interface Ref {
  readonly id: ValueId;
  readonly name: string;
  readonly dtype: DType;
  /** The last dimension (1 for a vector). */
  readonly width: number;
}

/** A value a step writes: a Ref with its rows, its workspace slot and a short label for comments. */
export interface Out extends Ref {
  readonly rows: Rows;
  /** Unique across the model: the workspace keeps one buffer per slot. */
  readonly slot: number;
  /** The last part of the node's label, or its op. */
  readonly label: string;
}

/** How the kernels use a parameter, over every use in the model. */
export interface WeightUse {
  /** The weight of a linear map (attention projections included). */
  readonly linear: boolean;
  /** An embedding table. */
  readonly embedding: boolean;
  /** The bias of a linear map. */
  readonly bias: boolean;
}

/** A parameter as a step reads it: from the layer's fields (`{i}` in `param`) or the model's. */
export interface WeightRef extends WeightUse {
  readonly param: string;
  readonly field: string;
  readonly placement: 'layer' | 'model';
  readonly shape: readonly number[];
}

/** A KV cache: `self` holds the context's keys and values, `cross` the memory's. */
export interface CacheRef {
  readonly field: string;
  readonly placement: 'layer' | 'model';
  readonly kind: 'self' | 'cross';
  /** Keys (and values) per row: kvHeads × headDim. */
  readonly width: number;
}

interface StepBase {
  readonly phase: Phase;
}

export interface PositionsStep extends StepBase {
  readonly kind: 'positions';
  readonly node: PositionsNode;
  readonly out: Out;
}

export interface EmbeddingStep extends StepBase {
  readonly kind: 'embedding';
  readonly node: EmbeddingNode;
  readonly out: Out;
  readonly ids: Ref;
  readonly table: WeightRef;
}

export interface SinusoidalStep extends StepBase {
  readonly kind: 'sinusoidal';
  readonly node: SinusoidalNode;
  readonly out: Out;
  readonly positions: Ref;
  /** The largest value the positions can hold (for the accuracy of precomputed angles). */
  readonly maxPosition: number;
}

export interface LinearStep extends StepBase {
  readonly kind: 'linear';
  readonly node: LinearNode;
  readonly out: Out;
  readonly x: Ref;
  readonly weight: WeightRef;
  readonly bias?: WeightRef;
}

/** Two linear maps of one input in one pass (fusion): outputs bit for bit those of the two. */
export interface Linear2Step extends StepBase {
  readonly kind: 'linear2';
  readonly first: LinearStep;
  readonly second: LinearStep;
}

export interface LayerNormStep extends StepBase {
  readonly kind: 'layer_norm';
  readonly node: LayerNormNode;
  readonly out: Out;
  readonly x: Ref;
  readonly weight?: WeightRef;
  readonly bias?: WeightRef;
}

export interface RmsNormStep extends StepBase {
  readonly kind: 'rms_norm';
  readonly node: RmsNormNode;
  readonly out: Out;
  readonly x: Ref;
  readonly weight?: WeightRef;
}

/** One input, element by element: an activation, a constant scale, a soft cap. */
export interface UnaryStep extends StepBase {
  readonly kind: 'unary';
  readonly node: ActivationNode | ScaleNode | SoftcapNode;
  readonly out: Out;
  readonly x: Ref;
}

export interface TanhGateStep extends StepBase {
  readonly kind: 'tanh_gate';
  readonly node: TanhGateNode;
  readonly out: Out;
  readonly x: Ref;
  readonly weight: WeightRef;
}

/** A mixture of experts: the router, then each row's top_k experts (gated feed-forward networks). */
export interface MoeStep extends StepBase {
  readonly kind: 'moe';
  readonly node: MoeNode;
  readonly out: Out;
  readonly x: Ref;
  readonly router: WeightRef;
  readonly experts: readonly { readonly gate: WeightRef; readonly up: WeightRef; readonly down: WeightRef }[];
}

export interface BinaryStep extends StepBase {
  readonly kind: 'binary';
  readonly node: BinaryNode;
  readonly out: Out;
  readonly a: Ref;
  readonly b: Ref;
}

/** Scratch values an attention step needs besides its output. */
export interface Scratch {
  readonly name: string;
  readonly slot: number;
}

export interface AttentionStep extends StepBase {
  readonly kind: 'attention';
  readonly node: AttentionNode;
  readonly out: Out;
  readonly q: Ref;
  readonly k: Ref;
  readonly v: Ref;
  /** Keys and values come from the memory (computed by a `cross_kv` step of the memory phase). */
  readonly cross: boolean;
  /** ALiBi's slope of each query head (schedule/alibi.ts), when the attention has ALiBi. */
  readonly slopes?: readonly number[];
  readonly weights: { readonly q: WeightRef; readonly k: WeightRef; readonly v: WeightRef; readonly o: WeightRef };
  readonly biases: { readonly q?: WeightRef; readonly k?: WeightRef; readonly v?: WeightRef; readonly o?: WeightRef };
  /** qk-norm weights, when the attention normalises queries and keys (node.qkNorm says how). */
  readonly norms?: { readonly q: WeightRef; readonly k: WeightRef };
  readonly cache: CacheRef;
  /** Fusion: queries, keys and values projected from one input in one pass. */
  readonly fusedQkv: boolean;
  readonly queries: Scratch;
  readonly context: Scratch;
  /** The slot of the attention scores. */
  readonly scoresSlot: number;
}

/** Cross-attention keys and values, projected from the memory into the cache once per memory. */
export interface CrossKvStep extends StepBase {
  readonly kind: 'cross_kv';
  readonly node: AttentionNode;
  readonly k: Ref;
  readonly v: Ref;
  readonly weights: { readonly k: WeightRef; readonly v: WeightRef };
  readonly biases: { readonly k?: WeightRef; readonly v?: WeightRef };
  readonly cache: CacheRef;
}

/** From here on only the last rows matter: each value still needed is sliced to its last rows, renamed. */
export interface TailStep extends StepBase {
  readonly kind: 'tail';
  readonly slices: readonly { readonly id: ValueId; readonly dtype: DType; readonly from: string; readonly to: string; readonly width: number }[];
}

export interface RegionStep extends StepBase {
  readonly kind: 'region';
  readonly region: ScheduledRegion;
}

export type NodeStep =
  | PositionsStep
  | EmbeddingStep
  | SinusoidalStep
  | LinearStep
  | LayerNormStep
  | RmsNormStep
  | UnaryStep
  | TanhGateStep
  | MoeStep
  | BinaryStep
  | AttentionStep;

export type Step = NodeStep | Linear2Step | CrossKvStep | TailStep | RegionStep;

/** A value a layer body reads from outside the layer (positions, a memory), as an argument. */
export interface OuterArg {
  /** As the caller names it. */
  readonly outer: Ref;
  /** As the layer names it. */
  readonly name: string;
}

/** One distinct layer structure of a region, run by `layers`. */
export interface ScheduledBody {
  readonly index: number;
  readonly layers: readonly number[];
  /** The layer's weight fields, in parameter order (names with `{i}`). */
  readonly weights: readonly WeightRef[];
  /** The layer's KV caches, in attention order. */
  readonly caches: readonly CacheRef[];
  /** The name each carried value has in the layer, by carried index; `id` is its carried node, if read. */
  readonly carried: readonly { readonly name: string; readonly id?: ValueId }[];
  readonly streamArgs: readonly OuterArg[];
  readonly memoryArgs: readonly OuterArg[];
  /** Both phases, in dataflow order (a renderer picks the phase it is writing). */
  readonly steps: readonly Step[];
  /** Each carried value at the end of the layer: its slots (two, by layer parity) and, when it is a carried value passed on, which. */
  readonly results: readonly { readonly value: Ref; readonly slot: number; readonly passes?: number }[];
}

export interface ScheduledRegion {
  readonly node: RepeatRegion;
  readonly label: string;
  readonly count: number;
  readonly bodyOfLayer: readonly number[];
  /** The variables the layers update: the value after the region (`id`, `name`), and the value before (`init`). */
  readonly carried: readonly {
    readonly variable: string;
    readonly id: ValueId;
    readonly name: string;
    readonly init: Ref;
    readonly width: number;
    readonly dtype: DType;
  }[];
  readonly bodies: readonly ScheduledBody[];
  /** Some body has work of the memory phase. */
  readonly hasMemory: boolean;
}

/** The model's own weight fields and caches (outside any region). */
export interface ModelFields {
  readonly weights: readonly WeightRef[];
  readonly caches: readonly CacheRef[];
}

export interface ScheduleOptions {
  /** Fuse where a kernel allows it (linear pairs, q/k/v projections): the CPU's kernels do. */
  readonly fuse?: boolean;
}

export interface Schedule {
  readonly name: string;
  /** The source file the model came from (for headers). */
  readonly file: string;
  readonly doc: readonly string[];
  readonly manifest: ModelManifest;
  /** The model's inputs, in the order the file declares them; a memory is [S, width]. */
  readonly inputs: readonly { readonly id: ValueId; readonly role: 'tokens' | 'memory'; readonly name: string; readonly width: number }[];
  /** Parameters in the model, as reported by analysis (for headers). */
  readonly paramCount: number;
  readonly fields: ModelFields;
  /** The whole model, in order; region steps hold their layers. */
  readonly steps: readonly Step[];
  /** The logits, as the forward pass names them at the end. */
  readonly output: Ref;
}
