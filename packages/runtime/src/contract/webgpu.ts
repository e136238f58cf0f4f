// The dispatch plan of a model compiled for WebGPU: plain data (JSON) that says which buffers exist,
// which kernel runs on which buffers, and how many workgroups, as expressions of the row count and
// position. The compiler writes it (codegen/webgpu), @tdl/runtime-webgpu runs it.
import type { ModelManifest } from './model.js';
import type { WeightFormat } from './weights.js';

/**
 * A size or count as text in a tiny integer language: numbers, `+ - *`, parentheses, `ceildiv(a, b)`,
 * `min(a, b)`, `max(a, b)`, and the symbols
 *  - `R`: rows run in this call (new tokens; at most the runtime's row capacity),
 *  - `past`: tokens already in the KV cache,
 *  - `S`: rows of the memory (for models with cross-attention),
 *  - `tail`: rows that go through the position-wise tail after the last attention (1, or R for every row's logits).
 */
export type PlanExpr = string;

/** How a kernel sees one binding: binding 0 is always the step's uniform parameters. */
export type BindingKind = 'uniform' | 'read' | 'read-write';

export interface PlanKernel {
  readonly name: string;
  /** The WGSL file (kernels/NAME.wgsl) beside the plan. */
  readonly file: string;
  readonly bindings: readonly BindingKind[];
  /** Invocations per workgroup, and bytes of workgroup memory: checked against the adapter's limits. */
  readonly invocations: number;
  readonly workgroupStorage: number;
}

/**
 * `weight`: a parameter (uploaded once); `constant`: fixed tables the compiler computed (`data`);
 * `tokens` / `memory`: inputs written before each call; `activation`: intermediate values;
 * `cache`: keys and values of attention; `logits`: the output, read back.
 */
export type BufferRole = 'weight' | 'constant' | 'tokens' | 'memory' | 'activation' | 'cache' | 'logits';

export interface PlanBuffer {
  /** Unique; `{i}` stands for the layer index in per-layer buffers (`h.{i}.attn.q.weight`). */
  readonly name: string;
  readonly role: BufferRole;
  readonly dtype: 'f32' | 'f16' | 'bf16' | 'i32';
  /** Element count, in the symbols R, tail (sized at the row capacity) and S (sized per memory). */
  readonly elements: PlanExpr;
  /** The shape, for people: `[R, 768]`. */
  readonly shape: string;
  /** For per-layer buffers: the layers that have one. */
  readonly layers?: readonly number[];
  /** For constants: the values (f32, or i32 for dtype i32). */
  readonly data?: readonly number[];
}

/** The values of the uniform parameters a kernel reads (`params.rows` …), as expressions. */
export interface PlanUniform {
  /** Rows the kernel computes. */
  readonly rows: PlanExpr;
  /** The absolute position of the first row. */
  readonly start: PlanExpr;
  /** How many keys attention reads. */
  readonly keys: PlanExpr;
  /** A linear layer's inputs and outputs per row. */
  readonly inputs: PlanExpr;
  readonly outputs: PlanExpr;
}

/** Workgroups along x and y. */
export type PlanWorkgroups = readonly [PlanExpr, PlanExpr];

export interface DispatchStep {
  readonly op: 'dispatch';
  /** Names the step in errors and labels (`h.{i}.attn.scores`). */
  readonly name: string;
  readonly kernel: string;
  /** Index into the plan's uniforms. */
  readonly uniform: number;
  /** Buffers for bindings 1, 2, …, in the kernel's order. */
  readonly bindings: readonly string[];
  /** Workgroups; one-dimensional kernels may be folded into y by the runtime past the adapter's limit. */
  readonly workgroups: PlanWorkgroups;
  /** Another kernel for when the uniform's rows are 1 (matrix-vector products for decoding). */
  readonly single?: { readonly kernel: string; readonly workgroups: PlanWorkgroups };
}

/** Copies 4-byte elements between buffers (KV cache rows, carried layer values, the tail's rows). */
export interface CopyStep {
  readonly op: 'copy';
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly fromOffset: PlanExpr;
  readonly toOffset: PlanExpr;
  readonly elements: PlanExpr;
}

/** The layers of a repeat region: layer i runs `bodies[bodyOfLayer[i]]` with `{i}` bound to i. */
export interface RepeatStep {
  readonly op: 'repeat';
  readonly name: string;
  readonly count: number;
  readonly bodyOfLayer: readonly number[];
  readonly bodies: readonly (readonly PlanStep[])[];
}

export type PlanStep = DispatchStep | CopyStep | RepeatStep;

export interface WebGpuPlan {
  readonly format: 'tdl-webgpu-plan';
  readonly version: 1;
  readonly model: ModelManifest;
  /** How matrix weights (linear and embedding tables) are stored: f16 and bf16 buffers hold two values per 32-bit word. */
  readonly weights: 'f32' | 'f16' | 'bf16';
  readonly kernels: readonly PlanKernel[];
  readonly buffers: readonly PlanBuffer[];
  readonly uniforms: readonly PlanUniform[];
  readonly inputs: { readonly tokens: string; readonly memory?: string };
  /** The logits buffer, [tail, vocab]. */
  readonly logits: string;
  /** Once per memory: everything computed from the memory alone. */
  readonly memory: readonly PlanStep[];
  /** Per call, on R new rows. */
  readonly forward: readonly PlanStep[];
  /** After `forward`, on the last `tail` rows only: the position-wise rest up to the logits. */
  readonly tail: readonly PlanStep[];
}

/** A compiled model: the plan and the WGSL source of each kernel by name. */
export interface WebGpuProgram {
  readonly plan: WebGpuPlan;
  readonly kernels: Readonly<Record<string, string>>;
}
