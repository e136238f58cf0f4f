// The ONNX renderer: a model's schedule (codegen/schedule, unfused) as one ONNX decoder graph in Hugging
// Face optimum's layout (input_ids, attention_mask, position_ids, past_key_values.{i}.key|value in;
// logits, present.{i}.key|value out). It reads only the schedule: region steps are unrolled layer by
// layer (bodyOfLayer), weights come from WeightRefs, value names from Out. Each step is handed to its
// emitter (ops.ts, attention.ts, contrib.ts). One graph serves both phases: memory-phase steps are
// computed from encoder_hidden_states in every call, and all rows are kept (logits for every token),
// so the tail step renames nothing here.
import type { Graph, ValueId } from '../../ir/nodes.js';
import { allNodes } from '../../ir/walk.js';
import { ropeVaries } from '../../ir/rope-frequencies.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { schedule, type AttentionStep, type NodeStep, type Ref, type Schedule, type ScheduledRegion, type Step, type WeightRef } from '../schedule/index.js';
import { attention, type AttentionWeights, type KvCache, type StreamValues } from './attention.js';
import { contribAttention, contribRmsNorm, contribApplies, type ResidualSum } from './contrib.js';
import { OnnxBuilder, type OnnxModel, type OnnxValueInfo } from './model.js';
import * as ops from './ops.js';

export type OnnxOps = 'standard' | 'contrib';
export type OnnxWeightType = 'f32' | 'f16';

export interface OnnxExportOptions {
  /** `standard`: opset 18's own ops only; `contrib`: ONNX Runtime's fused ops where they apply. */
  readonly ops?: OnnxOps;
  /** `f16` stores matrices and tables of weights (every parameter of rank 2) as float16, cast to f32 in the graph. */
  readonly weights?: OnnxWeightType;
}

/** The standard operator set version the exporter writes (and the IR version that goes with it). */
export const ONNX_OPSET = 18;
const ONNX_IR_VERSION = 8;

export const DIM = {
  batch: 'batch_size',
  seq: 'sequence_length',
  past: 'past_sequence_length',
  total: 'past_sequence_length + sequence_length',
  memory: 'encoder_sequence_length',
} as const;

/** The graph's input and output names (`%d`: the cache's index), as optimum and onnxruntime-genai name them. */
export const ONNX_DIMS_NAMES = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  pastKey: 'past_key_values.%d.key',
  pastValue: 'past_key_values.%d.value',
  logits: 'logits',
  presentKey: 'present.%d.key',
  presentValue: 'present.%d.value',
} as const;

const indexed = (pattern: string, i: number) => pattern.replace('%d', String(i));

/** One self-attention's cache as the graph names it. */
export interface OnnxCacheInfo {
  readonly index: number;
  readonly label: string;
  readonly kvHeads: number;
  readonly headDim: number;
}

export interface OnnxExport {
  readonly model: OnnxModel;
  /** Self-attention caches, in the order of their past_key_values.{i} inputs. */
  readonly caches: readonly OnnxCacheInfo[];
  /** The memory input (encoder_hidden_states) and its width, when the model has cross-attention. */
  readonly memory?: { readonly name: string; readonly width: number };
  readonly vocab: number;
  /** The model's context (positions the tables cover). */
  readonly context: number;
  /** The token embedding's width (config files' hidden_size). */
  readonly hidden: number;
  /** Query heads of the first self-attention (config files' num_attention_heads). */
  readonly heads: number;
}

/**
 * Why `graph` cannot be exported yet, or undefined. Rotary frequencies that change with the sequence
 * length (dynamic NTK, LongRoPE) would need the tables computed in the graph from the total length; a
 * mixture of experts would need per-row routing (TopK, gathers and scatters) not written yet.
 */
export function onnxRefusal(graph: Graph): string | undefined {
  for (const { node } of allNodes(graph)) {
    if (node.op === 'moe') {
      return `${(node.label ?? 'moe').replace('{i}', '*')} is a mixture of experts: the ONNX export does not support moe yet (run it with the cpu or webgpu backend)`;
    }
    if (node.op === 'attention' && node.rope && ropeVaries(node.rope.scaling)) {
      return `${(node.label ?? 'attention').replace('{i}', '*')} uses "${node.rope.scaling.kind}" RoPE scaling, whose frequencies change with the sequence length: the ONNX export supports fixed frequencies only (default, linear, llama3, yarn)`;
    }
  }
  return undefined;
}

export function exportOnnx(graph: Graph, options: OnnxExportOptions = {}): OnnxExport {
  return new Renderer(schedule(graph, { fuse: false }), options).run();
}

/** How one scope (the top level, or one layer of a region) names values: its own, else its caller's. */
interface Names {
  readonly get: (id: ValueId) => string;
  readonly set: (id: ValueId, name: string) => void;
  /** The layer the scope renders (fills `{i}` in weights and names), if any. */
  readonly layer?: { readonly region: string; readonly index: number };
}

class Renderer {
  private readonly b: OnnxBuilder;
  private readonly caches: OnnxCacheInfo[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private sv!: StreamValues;
  private readonly ops: OnnxOps;
  private heads: number | undefined;
  /** int64 [B·T]: position_ids as rows. */
  private flatPositions!: string;
  private hidden: number | undefined;
  /** Residual sums by their value's name, for the contrib ops' fused add + RMS norm. */
  private readonly sums = new Map<string, ResidualSum>();

  constructor(
    private readonly s: Schedule,
    options: OnnxExportOptions,
  ) {
    const f16 = options.weights === 'f16';
    this.b = new OnnxBuilder((_, dims) => (f16 && dims.length >= 2 ? 'f16' : 'f32'));
    this.ops = options.ops ?? 'standard';
  }

  run(): OnnxExport {
    const b = this.b;
    const s = this.s;
    const input = (name: string, dtype: OnnxValueInfo['dtype'], shape: OnnxValueInfo['shape']) => {
      this.inputs.push({ name: b.claim(name), dtype, shape });
      return name;
    };
    const ids = input(ONNX_DIMS_NAMES.inputIds, 'i64', [DIM.batch, DIM.seq]);
    const attentionMask = input(ONNX_DIMS_NAMES.attentionMask, 'i64', [DIM.batch, DIM.total]);
    const positionIds = input(ONNX_DIMS_NAMES.positionIds, 'i64', [DIM.batch, DIM.seq]);
    const memoryInput = s.inputs.find((i) => i.role === 'memory');
    const memoryWidth = memoryInput?.width ?? 0;
    const memory = memoryInput ? input('encoder_hidden_states', 'f32', [DIM.batch, DIM.memory, memoryWidth]) : undefined;
    // Past inputs are declared as the renderer meets each self-attention; they go after the fixed ones.
    const batchSeq = b.op1('Shape', [ids], {}, 'batch_and_length');
    this.sv = {
      batchSeq,
      positionIds,
      attentionMask,
      ...(memory ? { memoryBatchSeq: b.op1('Slice', [b.op1('Shape', [memory], {}, 'memory_shape'), b.ints([0]), b.ints([2])], {}, 'batch_and_memory_length') } : {}),
      context: s.manifest.context || 4096,
    };
    const flatIds = b.op1('Reshape', [ids, b.ints([-1])], {}, 'token_ids');
    this.flatPositions = b.op1('Reshape', [positionIds, b.ints([-1])], {}, 'token_positions');
    const flatMemory = memory ? b.op1('Reshape', [memory, b.ints([-1, memoryWidth])], {}, 'memory_rows') : undefined;

    const values = new Map<ValueId, string>();
    for (const i of s.inputs) values.set(i.id, i.role === 'tokens' ? flatIds : flatMemory!);
    const top: Names = { get: (id) => values.get(id)!, set: (id, name) => values.set(id, name) };
    this.steps(s.steps, top);

    const vocab = s.manifest.vocab;
    const logitsShape = b.op1('Concat', [batchSeq, b.ints([vocab])], { axis: 0 }, 'logits_shape');
    b.claim(ONNX_DIMS_NAMES.logits);
    b.op('Reshape', [top.get(s.output.id), logitsShape], {}, [], { exact: [ONNX_DIMS_NAMES.logits] });
    this.outputs.unshift({ name: ONNX_DIMS_NAMES.logits, dtype: 'f32', shape: [DIM.batch, DIM.seq, vocab] });
    const opsets = [{ domain: '', version: ONNX_OPSET }, ...(b.nodes.some((n) => n.domain === 'com.microsoft') ? [{ domain: 'com.microsoft', version: 1 }] : [])];
    return {
      model: {
        graphName: s.name,
        irVersion: ONNX_IR_VERSION,
        opsets,
        inputs: this.inputs,
        outputs: this.outputs,
        nodes: b.nodes,
        initializers: b.initializers,
        metadata: {
          'tdl.model': s.name,
          'tdl.ops': this.ops,
          'tdl.caches': JSON.stringify(this.caches),
          ...(memoryInput ? { 'tdl.memory': memoryInput.name } : {}),
        },
        docString: `tdl model '${s.name}' (${s.file})`,
      },
      caches: this.caches,
      ...(memoryInput ? { memory: { name: 'encoder_hidden_states', width: memoryWidth } } : {}),
      vocab,
      context: this.sv.context,
      hidden: this.hidden ?? 0,
      heads: this.heads ?? 0,
    };
  }

  /** Renders steps in order into `names`' scope. */
  private steps(steps: readonly Step[], names: Names): void {
    for (const step of steps) this.step(step, names);
  }

  /** A parameter as the graph reads it in this scope (the layer index filled in), as f32. */
  private weight(ref: WeightRef, names: Names): string {
    const path = ref.placement === 'layer' && names.layer ? ref.param.replace(LAYER_INDEX, String(names.layer.index)) : ref.param;
    return this.b.paramF32(path, ref.shape);
  }

  private step(step: Step, names: Names): void {
    switch (step.kind) {
      case 'region':
        return this.region(step.region, names);
      // All rows are kept (logits for every new token): the tail's slices are the values themselves.
      case 'tail':
        return;
      // Cross-attention projects the memory's keys and values itself (attention.ts), in every call.
      case 'cross_kv':
        return;
      case 'linear2':
        this.step(step.first, names);
        this.step(step.second, names);
        return;
      default: {
        // The value's base name: its schedule name, prefixed by the layer in a region.
        const out = names.layer ? `${names.layer.region}.${names.layer.index}.${step.out.name}` : step.out.name;
        names.set(step.out.id, this.node(step, names, out));
      }
    }
  }

  /** The region's layers one after another, each by its body's steps; the carried values pass from layer to layer. */
  private region(r: ScheduledRegion, names: Names): void {
    let carried = r.carried.map((c) => names.get(c.init.id));
    for (let layer = 0; layer < r.count; layer++) {
      const body = r.bodies[r.bodyOfLayer[layer]!]!;
      const local = new Map<ValueId, string>();
      body.carried.forEach((c, i) => c.id !== undefined && local.set(c.id, carried[i]!));
      const inner: Names = { get: (id) => local.get(id) ?? names.get(id), set: (id, name) => local.set(id, name), layer: { region: r.label, index: layer } };
      this.steps(body.steps, inner);
      carried = body.results.map((res) => inner.get(res.value.id));
    }
    r.carried.forEach((c, i) => names.set(c.id, carried[i]!));
  }

  /** The nodes computing one step's value; returns its name. */
  private node(step: NodeStep, names: Names, out: string): string {
    const b = this.b;
    const w = (ref: WeightRef) => this.weight(ref, names);
    const opt = (ref: WeightRef | undefined) => (ref === undefined ? undefined : w(ref));
    const x = (ref: Ref) => names.get(ref.id);
    switch (step.kind) {
      case 'positions':
        return ops.positions(b, this.flatPositions, step.node.offset, out);
      case 'embedding':
        this.hidden ??= step.out.width;
        return ops.embedding(b, w(step.table), x(step.ids), out);
      case 'sinusoidal':
        return ops.sinusoidal(b, x(step.positions), step.node.dim, step.node.base, this.sv.context + this.maxOffset(), out);
      case 'linear':
        return ops.linear(b, x(step.x), w(step.weight), opt(step.bias), out);
      case 'layer_norm':
        return ops.layerNorm(b, x(step.x), step.x.width, opt(step.weight), opt(step.bias), step.node.eps, out);
      case 'rms_norm':
        if (this.ops === 'contrib') return contribRmsNorm(b, x(step.x), step.x.width, opt(step.weight), step.node.eps, step.node.offset, out, this.sums.get(x(step.x)));
        return ops.rmsNorm(b, x(step.x), opt(step.weight), step.node.eps, step.node.offset, out);
      case 'unary': {
        const n = step.node;
        if (n.op === 'activation') return ops.activation(b, x(step.x), n.fn, out);
        if (n.op === 'scale') return ops.scale(b, x(step.x), n.factor, out);
        return ops.softcap(b, x(step.x), n.cap, out);
      }
      case 'tanh_gate':
        return ops.tanhGate(b, x(step.x), w(step.weight), out);
      case 'binary': {
        const sum = ops.binary(b, step.node.op, x(step.a), x(step.b), out);
        if (step.node.op === 'add' && step.a.width === step.b.width) this.sums.set(sum, { a: x(step.a), b: x(step.b) });
        return sum;
      }
      case 'attention':
        return this.attention(step, names, out);
      case 'moe':
        throw new Error('internal compiler error: a mixture of experts reached the ONNX renderer (onnxRefusal refuses it)');
      default:
        return unreachable(step);
    }
  }

  private attention(step: AttentionStep, names: Names, out: string): string {
    const w = (ref: WeightRef | undefined) => (ref === undefined ? undefined : this.weight(ref, names));
    const bs = step.biases;
    const weights: AttentionWeights = {
      q: w(step.weights.q)!,
      k: w(step.weights.k)!,
      v: w(step.weights.v)!,
      o: w(step.weights.o)!,
      ...(bs.q ? { qBias: w(bs.q)! } : {}),
      ...(bs.k ? { kBias: w(bs.k)! } : {}),
      ...(bs.v ? { vBias: w(bs.v)! } : {}),
      ...(bs.o ? { oBias: w(bs.o)! } : {}),
      ...(step.norms ? { qNorm: w(step.norms.q)!, kNorm: w(step.norms.k)! } : {}),
    };
    const node = step.node;
    const spec = { ...node, ...(step.slopes ? { slopes: step.slopes } : {}) };
    const cache = step.cross ? undefined : this.cache(step, out);
    const [q, k, v] = [names.get(step.q.id), names.get(step.k.id), names.get(step.v.id)];
    if (this.ops === 'contrib' && cache && contribApplies(node)) return contribAttention(this.b, this.sv, node, weights, q, k, v, cache, out);
    return attention(this.b, this.sv, spec, weights, q, k, v, cache, out);
  }

  /** Declares the next self-attention's past inputs and present outputs. */
  private cache(step: AttentionStep, label: string): KvCache {
    const { kvHeads, headDim } = step.node;
    const i = this.caches.length;
    this.caches.push({ index: i, label, kvHeads, headDim });
    this.heads ??= step.node.heads;
    const names = {
      pastKey: this.b.claim(indexed(ONNX_DIMS_NAMES.pastKey, i)),
      pastValue: this.b.claim(indexed(ONNX_DIMS_NAMES.pastValue, i)),
      presentKey: this.b.claim(indexed(ONNX_DIMS_NAMES.presentKey, i)),
      presentValue: this.b.claim(indexed(ONNX_DIMS_NAMES.presentValue, i)),
    };
    const shape = (len: string) => [DIM.batch, kvHeads, len, headDim];
    this.inputs.push({ name: names.pastKey, dtype: 'f32', shape: shape(DIM.past) }, { name: names.pastValue, dtype: 'f32', shape: shape(DIM.past) });
    this.outputs.push({ name: names.presentKey, dtype: 'f32', shape: shape(DIM.total) }, { name: names.presentValue, dtype: 'f32', shape: shape(DIM.total) });
    return names;
  }

  /** The largest offset of any positions step (the sinusoidal table covers the context past it). */
  private maxOffset(): number {
    let max = 0;
    const visit = (steps: readonly Step[]) => {
      for (const s of steps) {
        if (s.kind === 'positions') max = Math.max(max, s.node.offset);
        if (s.kind === 'region') s.region.bodies.forEach((body) => visit(body.steps));
      }
    };
    visit(this.s.steps);
    return max;
  }
}

function unreachable(step: never): never {
  throw new Error(`internal compiler error: no ONNX rendering for ${(step as Step).kind}`);
}
