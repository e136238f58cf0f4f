// The graph walk: a tdl IR graph as one ONNX decoder graph in Hugging Face optimum's layout (input_ids,
// attention_mask, position_ids, past_key_values.{i}.key|value in; logits, present.{i}.key|value out).
// Layers are unrolled; each node is handed to its emitter (ops.ts, attention.ts, contrib.ts), which
// know nothing of the IR's walk, so a schedule can drive them as well.
import { analyze } from '../../analysis/index.js';
import { dimValue } from '../../ir/dim.js';
import type { AttentionNode, Graph, Node, ValueId } from '../../ir/nodes.js';
import { valueOrigins } from '../../ir/walk.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { attention, type AttentionWeights, type KvCache, type StreamValues } from './attention.js';
import { contribAttention, contribRmsNorm, contribApplies } from './contrib.js';
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
}

export function exportOnnx(graph: Graph, options: OnnxExportOptions = {}): OnnxExport {
  return new Walk(graph, options).run();
}

class Walk {
  private readonly b: OnnxBuilder;
  private readonly names = new Map<ValueId, string>();
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly memoryIds: Set<ValueId>;
  private readonly caches: OnnxCacheInfo[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private sv!: StreamValues;
  private readonly info: ReturnType<typeof analyze>;
  private readonly ops: OnnxOps;

  constructor(
    private readonly graph: Graph,
    options: OnnxExportOptions,
  ) {
    const f16 = options.weights === 'f16';
    this.b = new OnnxBuilder((_, dims) => (f16 && dims.length >= 2 ? 'f16' : 'f32'));
    this.ops = options.ops ?? 'standard';
    for (const p of graph.params) this.shapes.set(p.name, p.shape);
    for (const item of graph.items) if (item.op === 'repeat') for (const body of item.bodies) for (const p of body.params) this.shapes.set(p.name, p.shape);
    this.memoryIds = memoryValues(graph);
    this.info = analyze(graph);
  }

  run(): OnnxExport {
    const b = this.b;
    const input = (name: string, dtype: OnnxValueInfo['dtype'], shape: OnnxValueInfo['shape']) => {
      this.inputs.push({ name: b.claim(name), dtype, shape });
      return name;
    };
    const ids = input('input_ids', 'i64', [DIM.batch, DIM.seq]);
    const attentionMask = input('attention_mask', 'i64', [DIM.batch, DIM.total]);
    const positionIds = input('position_ids', 'i64', [DIM.batch, DIM.seq]);
    const memoryNode = this.graph.items.find((i) => i.op === 'input' && i.role === 'memory');
    const memoryWidth = memoryNode && memoryNode.op === 'input' ? (dimValue(memoryNode.type.shape[1]!) ?? 0) : 0;
    const memory = memoryNode ? input('encoder_hidden_states', 'f32', [DIM.batch, DIM.memory, memoryWidth]) : undefined;
    // Past inputs are declared as the walk meets each self-attention; they go after the fixed ones.
    const batchSeq = b.op1('Shape', [ids], {}, 'batch_and_length');
    this.sv = {
      batchSeq,
      positionIds,
      attentionMask,
      ...(memory ? { memoryBatchSeq: b.op1('Slice', [b.op1('Shape', [memory], {}, 'memory_shape'), b.ints([0]), b.ints([2])], {}, 'batch_and_memory_length') } : {}),
      context: this.info.context || 4096,
    };
    const flatIds = b.op1('Reshape', [ids, b.ints([-1])], {}, 'token_ids');
    const flatPositions = b.op1('Reshape', [positionIds, b.ints([-1])], {}, 'token_positions');
    const flatMemory = memory ? b.op1('Reshape', [memory, b.ints([-1, memoryWidth])], {}, 'memory_rows') : undefined;

    for (const item of this.graph.items) {
      if (item.op === 'input') this.names.set(item.id, item.role === 'tokens' ? flatIds : flatMemory!);
      else if (item.op === 'positions') this.names.set(item.id, ops.positions(b, flatPositions, item.offset, 'positions'));
      else if (item.op === 'repeat') {
        let carried = item.carried.map((c) => this.names.get(c.init)!);
        for (let layer = 0; layer < item.count; layer++) {
          const body = item.bodies[item.bodyOfLayer[layer]!]!;
          const local = new Map<ValueId, string>();
          const name = (id: ValueId) => local.get(id) ?? this.names.get(id)!;
          for (const node of body.nodes) {
            if (node.op === 'carried') local.set(node.id, carried[node.index]!);
            else local.set(node.id, this.node(node, name, String(layer)));
          }
          carried = body.results.map(name);
        }
        item.results.forEach((id, i) => this.names.set(id, carried[i]!));
      } else this.names.set(item.id, this.node(item, (id) => this.names.get(id)!, undefined));
    }
    const out = this.graph.outputs[0]!;
    const vocab = this.info.vocab;
    const logitsShape = b.op1('Concat', [batchSeq, b.ints([vocab])], { axis: 0 }, 'logits_shape');
    b.claim('logits');
    b.op('Reshape', [this.names.get(out.value)!, logitsShape], {}, [], { exact: ['logits'] });
    this.outputs.unshift({ name: 'logits', dtype: 'f32', shape: [DIM.batch, DIM.seq, vocab] });
    const opsets = [{ domain: '', version: ONNX_OPSET }, ...(this.b.nodes.some((n) => n.domain === 'com.microsoft') ? [{ domain: 'com.microsoft', version: 1 }] : [])];
    return {
      model: {
        graphName: this.graph.name,
        irVersion: ONNX_IR_VERSION,
        opsets,
        inputs: this.inputs,
        outputs: this.outputs,
        nodes: b.nodes,
        initializers: b.initializers,
        metadata: {
          'tdl.model': this.graph.name,
          'tdl.ops': this.ops,
          'tdl.caches': JSON.stringify(this.caches),
          ...(memoryNode && memoryNode.op === 'input' ? { 'tdl.memory': memoryNode.name } : {}),
        },
        docString: `tdl model '${this.graph.name}' (${this.graph.file})`,
      },
      caches: this.caches,
      ...(memoryNode && memoryNode.op === 'input' ? { memory: { name: 'encoder_hidden_states', width: memoryWidth } } : {}),
      vocab,
    };
  }

  /** A parameter path with the layer index filled in, as f32 for the graph. */
  private weight(path: string, layer: string | undefined): string {
    const shape = this.shapes.get(path);
    if (!shape) throw new Error(`internal error: no shape for parameter ${path}`);
    return this.b.paramF32(layer === undefined ? path : path.replace(LAYER_INDEX, layer), shape);
  }

  private label(node: Node, layer: string | undefined): string {
    const l = node.label ?? node.op;
    return layer === undefined ? l : l.replace(LAYER_INDEX, layer);
  }

  /** The nodes computing one IR node; returns the name of its value. */
  private node(node: Node, name: (id: ValueId) => string, layer: string | undefined): string {
    const b = this.b;
    const w = (path: string) => this.weight(path, layer);
    const opt = (path: string | undefined) => (path === undefined ? undefined : w(path));
    const out = this.label(node, layer);
    const width = dimValue(node.type.shape[node.type.shape.length - 1]!) ?? 1;
    switch (node.op) {
      case 'input':
      case 'positions':
      case 'carried':
        throw new Error(`internal error: ${node.op} is placed by the walk`);
      case 'embedding':
        return ops.embedding(b, w(node.weight), name(node.ids), out);
      case 'sinusoidal':
        return ops.sinusoidal(b, name(node.positions), node.dim, node.base, this.sv.context + this.maxOffset(), out);
      case 'linear':
        return ops.linear(b, name(node.x), w(node.weight), opt(node.bias), out);
      case 'layer_norm':
        return ops.layerNorm(b, name(node.x), width, opt(node.weight), opt(node.bias), node.eps, out);
      case 'rms_norm':
        if (this.ops === 'contrib') return contribRmsNorm(b, name(node.x), width, opt(node.weight), node.eps, node.offset, out);
        return ops.rmsNorm(b, name(node.x), opt(node.weight), node.eps, node.offset, out);
      case 'activation':
        return ops.activation(b, name(node.x), node.fn, out);
      case 'add':
      case 'sub':
      case 'mul':
        return ops.binary(b, node.op, name(node.a), name(node.b), out);
      case 'scale':
        return ops.scale(b, name(node.x), node.factor, out);
      case 'softcap':
        return ops.softcap(b, name(node.x), node.cap, out);
      case 'tanh_gate':
        return ops.tanhGate(b, name(node.x), w(node.weight), out);
      case 'attention':
        return this.attention(node, name, layer, out);
    }
  }

  private attention(node: AttentionNode, name: (id: ValueId) => string, layer: string | undefined, out: string): string {
    const p = node.params;
    const w = (path: string | undefined) => (path === undefined ? undefined : this.weight(path, layer));
    const weights: AttentionWeights = {
      q: w(p.q)!,
      k: w(p.k)!,
      v: w(p.v)!,
      o: w(p.o)!,
      ...(p.qBias ? { qBias: w(p.qBias)! } : {}),
      ...(p.kBias ? { kBias: w(p.kBias)! } : {}),
      ...(p.vBias ? { vBias: w(p.vBias)! } : {}),
      ...(p.oBias ? { oBias: w(p.oBias)! } : {}),
    };
    const cross = this.memoryIds.has(node.k);
    const cache = cross ? undefined : this.cache(node, out);
    if (this.ops === 'contrib' && cache && contribApplies(node)) {
      return contribAttention(this.b, this.sv, node, weights, name(node.q), name(node.k), name(node.v), cache, out);
    }
    return attention(this.b, this.sv, node, weights, name(node.q), name(node.k), name(node.v), cache, out);
  }

  /** Declares the next self-attention's past inputs and present outputs. */
  private cache(node: AttentionNode, label: string): KvCache {
    const i = this.caches.length;
    this.caches.push({ index: i, label, kvHeads: node.kvHeads, headDim: node.headDim });
    const names = {
      pastKey: this.b.claim(`past_key_values.${i}.key`),
      pastValue: this.b.claim(`past_key_values.${i}.value`),
      presentKey: this.b.claim(`present.${i}.key`),
      presentValue: this.b.claim(`present.${i}.value`),
    };
    const shape = (len: string) => [DIM.batch, node.kvHeads, len, node.headDim];
    this.inputs.push({ name: names.pastKey, dtype: 'f32', shape: shape(DIM.past) }, { name: names.pastValue, dtype: 'f32', shape: shape(DIM.past) });
    this.outputs.push({ name: names.presentKey, dtype: 'f32', shape: shape(DIM.total) }, { name: names.presentValue, dtype: 'f32', shape: shape(DIM.total) });
    return names;
  }

  private maxOffset(): number {
    return Math.max(0, ...this.graph.items.filter((i) => i.op === 'positions').map((i) => (i.op === 'positions' ? i.offset : 0)));
  }
}

/** Values computed from a memory alone (cross-attention keys and values read them). */
function memoryValues(graph: Graph): Set<ValueId> {
  const tokens = graph.items.find((i) => i.op === 'input' && i.role === 'tokens');
  const tokenName = tokens && tokens.op === 'input' ? tokens.name : undefined;
  const out = new Set<ValueId>();
  for (const [id, from] of valueOrigins(graph)) if (from.size > 0 && (tokenName === undefined || !from.has(tokenName))) out.add(id);
  return out;
}
