// The IR: a graph of tensor operations in SSA form, a discriminated union of nodes, each with its span.
import type { Span } from '@tdl/dsl';
import type { Dim } from './dim.js';

export type DType = 'f32' | 'i32';

export interface TensorType {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** An SSA value: the id of the node that defines it. Ids are unique across the whole graph. */
export type ValueId = number;

/** How a parameter is initialised for seeded random weights. */
export type Init = { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'ones' } | { readonly kind: 'zeros' };

/**
 * A parameter as an op declares it. Inside a repeat region its `name` is relative to the layer
 * (`attn.q.weight`); the graph's parameter list has full paths (`layers.3.attn.q.weight`).
 */
export interface ParamDecl {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
  readonly span: Span;
}

export type Activation = 'relu' | 'gelu' | 'gelu_tanh' | 'silu' | 'sigmoid' | 'tanh' | 'identity';

export type Mask =
  | { readonly kind: 'causal' }
  | { readonly kind: 'none' }
  /** Causal, and each query sees only the `window` most recent positions (itself included). */
  | { readonly kind: 'sliding'; readonly window: number };

/** Rotary embeddings over the first `dim` channels of each head; `half` is rotate_half (GPT-NeoX, HF LLaMA). */
export interface Rope {
  readonly theta: number;
  readonly dim: number;
  readonly layout: 'half' | 'interleaved';
  /** How the frequencies are stretched for long contexts (transformers' `rope_scaling`). */
  readonly scaling: RopeScaling;
}

/**
 * RoPE scaling as Hugging Face transformers defines it (modeling_rope_utils.py). `original` is the
 * context the model was pretrained with; `attention` multiplies cos and sin (YaRN, LongRoPE).
 * `dynamic` and `longrope` change with the sequence length (past + new tokens): keys already in the
 * cache keep the rotation they were given, as in transformers.
 */
export type RopeScaling =
  | { readonly kind: 'none' }
  | { readonly kind: 'linear'; readonly factor: number }
  | { readonly kind: 'dynamic'; readonly factor: number; readonly original: number }
  | { readonly kind: 'llama3'; readonly factor: number; readonly original: number; readonly lowFreqFactor: number; readonly highFreqFactor: number }
  | {
      readonly kind: 'yarn';
      readonly factor: number;
      readonly original: number;
      readonly betaFast: number;
      readonly betaSlow: number;
      readonly truncate: boolean;
      readonly attention: number;
    }
  | { readonly kind: 'longrope'; readonly original: number; readonly short: readonly number[]; readonly long: readonly number[]; readonly attention: number };

/**
 * RMS normalisation of queries and keys after their projections, before rotary embeddings: over each
 * head's channels (`head`: Qwen3, Gemma 3) or over the whole projection (`all`: OLMo 2).
 */
export interface QkNorm {
  readonly over: 'head' | 'all';
  readonly eps: number;
  /** Scales by (offset + w): Gemma 3 uses 1. */
  readonly offset: number;
}

interface Base {
  readonly id: ValueId;
  readonly span: Span;
  readonly type: TensorType;
  /** Spans of the call's arguments by parameter name, so checks can point at one argument. */
  readonly argSpans: Readonly<Record<string, Span>>;
  /**
   * The source text of those arguments as the user wrote them (`x`, `memory`, `norm2: layer_norm(x)`),
   * so messages can name values the way the file does. Set by lowering; absent on hand-built graphs.
   */
  readonly argText?: Readonly<Record<string, string>>;
  /** The label path that names this node's parameters (`layers.{i}.attn`), if it has any. */
  readonly label?: string;
}

export interface InputNode extends Base {
  readonly op: 'input';
  readonly name: string;
  /** `tokens` is the decoder's token ids; `memory` an encoder output attended to by cross-attention. */
  readonly role: 'tokens' | 'memory';
}

/** Absolute positions of the tokens: i32[T], `offset + position`. */
export interface PositionsNode extends Base {
  readonly op: 'positions';
  readonly length: Dim;
  readonly offset: number;
}

export interface EmbeddingNode extends Base {
  readonly op: 'embedding';
  readonly ids: ValueId;
  readonly weight: string;
}

/** The sinusoidal table of "Attention Is All You Need": sin on even channels, cos on odd. */
export interface SinusoidalNode extends Base {
  readonly op: 'sinusoidal';
  readonly positions: ValueId;
  readonly dim: number;
  readonly base: number;
}

export interface LinearNode extends Base {
  readonly op: 'linear';
  readonly x: ValueId;
  /** Weight [out, in], as PyTorch stores it. */
  readonly weight: string;
  readonly bias?: string;
  /** Set when the weight is another op's parameter (a tied output head): the width asked for. */
  readonly tiedOut?: number;
}

export interface LayerNormNode extends Base {
  readonly op: 'layer_norm';
  readonly x: ValueId;
  readonly weight?: string;
  readonly bias?: string;
  readonly eps: number;
}

export interface RmsNormNode extends Base {
  readonly op: 'rms_norm';
  readonly x: ValueId;
  readonly weight?: string;
  readonly eps: number;
  /** Gemma scales by (offset + w); everyone else by w. */
  readonly offset: number;
}

export interface ActivationNode extends Base {
  readonly op: 'activation';
  readonly x: ValueId;
  readonly fn: Activation;
}

/** Element-wise arithmetic on two tensors of one shape. */
export interface BinaryNode extends Base {
  readonly op: 'add' | 'sub' | 'mul';
  readonly a: ValueId;
  readonly b: ValueId;
}

/** Multiplies by a compile-time constant. */
export interface ScaleNode extends Base {
  readonly op: 'scale';
  readonly x: ValueId;
  readonly factor: number;
}

/** `tanh(w) * x`, w a learned scalar `weight [1]` (Flamingo's gated cross-attention). */
export interface TanhGateNode extends Base {
  readonly op: 'tanh_gate';
  readonly x: ValueId;
  readonly weight: string;
}

/** One expert of a mixture: a gated feed-forward network down(act(gate(x)) * up(x)), weights [hidden, d], [hidden, d], [d, hidden]. */
export interface ExpertParams {
  readonly gate: string;
  readonly up: string;
  readonly down: string;
}

/**
 * A mixture of experts (Mixtral): router logits x·routerᵀ [T, experts], a softmax over them, the top_k
 * largest probabilities of each row (renormalised to sum 1 when normTopk), and the sum of the chosen
 * experts' outputs weighted by them. Result [T, d], the width of x.
 */
export interface MoeNode extends Base {
  readonly op: 'moe';
  readonly x: ValueId;
  /** The router's weight [experts, d]. */
  readonly router: string;
  readonly experts: readonly ExpertParams[];
  readonly topK: number;
  readonly hidden: number;
  readonly act: Activation;
  readonly normTopk: boolean;
}

/** `cap * tanh(x / cap)`. */
export interface SoftcapNode extends Base {
  readonly op: 'softcap';
  readonly x: ValueId;
  readonly cap: number;
}

export interface AttentionParams {
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
  readonly qBias?: string;
  readonly kBias?: string;
  readonly vBias?: string;
  readonly oBias?: string;
  /** qk-norm weights: [headDim] per head, or [heads × headDim] / [kvHeads × headDim] over the projection. */
  readonly qNorm?: string;
  readonly kNorm?: string;
}

export interface AttentionNode extends Base {
  readonly op: 'attention';
  readonly q: ValueId;
  readonly k: ValueId;
  readonly v: ValueId;
  readonly params: AttentionParams;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** False when headDim was derived as width / heads (so heads must divide the width). */
  readonly headDimGiven: boolean;
  readonly mask: Mask;
  readonly rope?: Rope;
  readonly qkNorm?: QkNorm;
  readonly alibi: boolean;
  /** Multiplies q·k before the softmax (default 1/sqrt(headDim)). */
  readonly scale: number;
  /** Soft-caps the scores before the softmax when > 0 (Gemma 2). */
  readonly softcap: number;
}

/** A value computed before the region, carried into a layer body (`x` at the start of the layer). */
export interface CarriedNode extends Base {
  readonly op: 'carried';
  readonly index: number;
}

export type Node =
  | InputNode
  | PositionsNode
  | EmbeddingNode
  | SinusoidalNode
  | LinearNode
  | LayerNormNode
  | RmsNormNode
  | ActivationNode
  | BinaryNode
  | ScaleNode
  | SoftcapNode
  | TanhGateNode
  | MoeNode
  | AttentionNode
  | CarriedNode;

export type OpName = Node['op'];

/** One distinct layer structure of a repeat region: its nodes, and the values it carries out. */
export interface LayerBody {
  readonly nodes: readonly Node[];
  /** For each carried variable, the value it has at the end of the layer. */
  readonly results: readonly ValueId[];
  /** Parameters with names relative to the layer. */
  readonly params: readonly ParamDecl[];
  /** The layer indices that use this structure. */
  readonly layers: readonly number[];
}

/** `repeat count as i { … }`: layers run in order; layers of identical structure share one body. */
export interface RepeatRegion {
  readonly op: 'repeat';
  readonly id: ValueId;
  readonly span: Span;
  /** Prefix of the layers' parameter paths: `layers` gives `layers.3.attn.q.weight`. */
  readonly label: string;
  readonly count: number;
  /** The variables the layers update, with their values before the region. */
  readonly carried: readonly { readonly name: string; readonly init: ValueId; readonly type: TensorType }[];
  readonly bodies: readonly LayerBody[];
  /** For each layer index, which body it runs. */
  readonly bodyOfLayer: readonly number[];
  /** The values of the carried variables after the region, in `carried` order. */
  readonly results: readonly ValueId[];
}

export type Item = Node | RepeatRegion;

/** A symbolic dimension declared by an input: `T` (bounded by the context) or `S`. */
export interface SymbolDecl {
  readonly name: string;
  readonly bound?: number;
  readonly span: Span;
}

export interface GraphOutput {
  readonly name: string;
  readonly value: ValueId;
  readonly span: Span;
}

/** A parameter with its full path, as checkpoints name it internally. */
export interface ParamInfo extends ParamDecl {
  /** The top-level component it belongs to (`wte`, `layers`, `lm_head`), for per-component counts. */
  readonly component: string;
}

export interface Graph {
  readonly name: string;
  readonly doc?: string;
  readonly file: string;
  readonly consts: Readonly<Record<string, number>>;
  readonly symbols: readonly SymbolDecl[];
  readonly items: readonly Item[];
  readonly outputs: readonly GraphOutput[];
  /** Every parameter with its full path, in definition order. */
  readonly params: readonly ParamInfo[];
}
