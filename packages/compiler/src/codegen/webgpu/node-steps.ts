// The WebGPU rendering of one schedule step: its output buffer, the kernel, the dispatch.
import type { AttentionNode, Node, ValueId } from '../../ir/nodes.js';
import { ropeFrequencies } from '../../ir/rope-frequencies.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import type { AttentionStep, MoeStep, NodeStep, Out, WeightRef } from '../schedule/index.js';
import { ceildiv, times } from './expr.js';
import { ropeTurns, sinusoidalTurns } from './constants.js';
import { attentionKernel, ropeKernel } from './kernels/attention.js';
import { binaryKernel, ELEMENTWISE_THREADS, tanhGateKernel, unaryKernel, type UnaryFn } from './kernels/elementwise.js';
import { embeddingKernel, positionsKernel, sinusoidalKernel } from './kernels/embedding.js';
import { MATMUL_TILE, MATVEC_OUTPUTS, matmulKernel, matvecKernel } from './kernels/linear.js';
import { moeAccumulateKernel, moeRouteKernel } from './kernels/moe.js';
import { layerNormKernel, rmsNormKernel } from './kernels/norms.js';
import type { PlanExpr, PlanWorkgroups } from '@tdl/runtime/contract/webgpu';
import { UNIFORMS, type PlanState, type Scope } from './state.js';

/** Facts about the whole model the node steps need. */
export interface ModelFacts {
  readonly context: number;
  /** The value whose buffer is the logits. */
  readonly output: ValueId;
}

function unsupported(step: never): never {
  throw new Error(`internal compiler error: no WebGPU kernel for ${(step as NodeStep).kind}`);
}

function flat(count: PlanExpr): PlanWorkgroups {
  return [ceildiv(count, ELEMENTWISE_THREADS), '1'];
}

export class NodeSteps {
  constructor(
    private readonly st: PlanState,
    private readonly model: ModelFacts,
  ) {}

  /**
   * The buffer a node writes: the logits for the output computed in the tail, else an activation
   * named after it (an output computed before the tail reaches the logits by the tail's copy).
   */
  output(node: Node, out: Out, scope: Scope): string {
    const width = out.width;
    if (node.id === this.model.output && scope.rows === 'tail') return this.logits(scope, width);
    const local = node.label ? node.label.replace(`.${LAYER_INDEX}.`, '.') : `${scope.prefix}${node.op}`;
    const name = this.st.activation(local, out.dtype, scope.rows, width);
    scope.names.set(node.id, name);
    return name;
  }

  logits(scope: Scope, width: number): string {
    if (scope.rows !== 'tail') throw new Error('internal compiler error: the logits are computed before the tail');
    const name = this.st.addBuffer('logits', { role: 'logits', dtype: 'f32', elements: times('tail', width), shape: `[tail, ${width}]` });
    scope.names.set(this.model.output, name);
    return name;
  }

  emit(step: NodeStep, scope: Scope, memory: Scope): void {
    const st = this.st;
    const rows = scope.rows;
    const width = step.out.width;
    if (step.kind === 'attention') return this.attention(step, scope, memory);
    const node = step.node;
    const input = (id: ValueId) => st.lookup(id, scope);
    const out = this.output(node, step.out, scope);
    const name = node.label ?? `${scope.stepPrefix}${out.startsWith(scope.prefix) ? out.slice(scope.prefix.length) : out}`;
    switch (step.kind) {
      case 'positions':
        st.dispatch(scope, name, st.kernels.add(positionsKernel(step.node.offset)), [out], flat(rows));
        return;
      case 'embedding': {
        const kernel = st.kernels.add(embeddingKernel(width, st.weightType(step.table)));
        st.dispatch(scope, name, kernel, [input(step.ids.id), st.weight(step.table, scope), out], flat(times(rows, width)));
        return;
      }
      case 'sinusoidal': {
        const { base, dim } = step.node;
        const turns = st.constant(`sinusoidal.base${base}.width${dim}`, sinusoidalTurns(base, dim, step.maxPosition), `[${dim / 2}, 2]`);
        st.dispatch(scope, name, st.kernels.add(sinusoidalKernel(dim, base)), [input(step.positions.id), turns, out], flat(times(rows, width)));
        return;
      }
      case 'linear':
        this.linear(scope, name, input(step.x.id), step.weight, step.bias, step.x.width, width, out);
        return;
      case 'layer_norm': {
        const kernel = st.kernels.add(layerNormKernel(width, step.node.eps, !!step.weight, !!step.bias));
        const params = [step.weight, step.bias].filter((p): p is WeightRef => !!p).map((p) => st.weight(p, scope));
        st.dispatch(scope, name, kernel, [input(step.x.id), ...params, out], [rows, '1']);
        return;
      }
      case 'rms_norm': {
        const kernel = st.kernels.add(rmsNormKernel(width, step.node.eps, !!step.weight, step.node.offset));
        const params = step.weight ? [st.weight(step.weight, scope)] : [];
        st.dispatch(scope, name, kernel, [input(step.x.id), ...params, out], [rows, '1']);
        return;
      }
      case 'unary': {
        const n = step.node;
        const fn: UnaryFn = n.op === 'activation' ? { kind: n.fn } : n.op === 'scale' ? { kind: 'scale', factor: n.factor } : { kind: 'softcap', cap: n.cap };
        return this.unary(scope, name, input(step.x.id), out, fn, width);
      }
      case 'tanh_gate':
        st.dispatch(scope, name, st.kernels.add(tanhGateKernel(width)), [input(step.x.id), st.weight(step.weight, scope), out], flat(times(rows, width)));
        return;
      case 'binary':
        st.dispatch(scope, name, st.kernels.add(binaryKernel(step.node.op, width)), [input(step.a.id), input(step.b.id), out], flat(times(rows, width)));
        return;
      case 'moe':
        return this.moe(step, scope, name, input(step.x.id), out);
      default:
        // Every kind of node step has a case above: a new one is a compile error here until it has.
        return unsupported(step);
    }
  }

  private unary(scope: Scope, name: string, x: string, out: string, fn: UnaryFn, width: number): void {
    this.st.dispatch(scope, name, this.st.kernels.add(unaryKernel(fn, width)), [x, out], flat(times(scope.rows, width)));
  }

  /**
   * A mixture of experts: router scores, each row's top-k weights, then every expert in turn (gate, up,
   * act(gate) · up, down) added into out times its weight. Every expert runs on every row here, so
   * rows that did not choose it get weight 0; the CPU kernel runs only the chosen ones.
   */
  private moe(step: MoeStep, scope: Scope, name: string, x: string, out: string): void {
    const st = this.st;
    const node = step.node;
    const d = step.out.width;
    const count = node.experts.length;
    const h = node.hidden;
    const local = (part: string, width: number) => st.activation(`${out}.${part}`, 'f32', scope.rows, width);
    const logits = local('router', count);
    const combine = local('combine', count);
    const gate = local('gate', h);
    const up = local('up', h);
    const act = local('act', h);
    const hid = local('hidden', h);
    const y = local('expert', d);
    this.linear(scope, `${name}.router`, x, step.router, undefined, d, count, logits);
    st.dispatch(scope, `${name}.route`, st.kernels.add(moeRouteKernel(count, node.topK, node.normTopk)), [logits, combine], flat(scope.rows));
    step.experts.forEach((e, i) => {
      const at = `${name}.experts.${i}`;
      this.linear(scope, `${at}.gate`, x, e.gate, undefined, d, h, gate);
      this.linear(scope, `${at}.up`, x, e.up, undefined, d, h, up);
      this.unary(scope, `${at}.act`, gate, act, { kind: node.act }, h);
      st.dispatch(scope, `${at}.mul`, st.kernels.add(binaryKernel('mul', h)), [act, up, hid], flat(times(scope.rows, h)));
      this.linear(scope, `${at}.down`, hid, e.down, undefined, h, d, y);
      const uniform = st.uniform({ ...st.uniforms[scope.uniform]!, inputs: String(i) });
      st.dispatch(scope, `${at}.add`, st.kernels.add(moeAccumulateKernel(d, count, i === 0)), [y, combine, out], flat(times(scope.rows, d)), { uniform });
    });
  }

  /** out [rows, outDim] = x [rows, inDim] · wᵀ + b: tiled for many rows, a matrix-vector product for one. */
  linear(scope: Scope, name: string, x: string, weight: WeightRef, bias: WeightRef | undefined, inDim: number, outDim: number, out: string): void {
    const st = this.st;
    const kind = { bias: !!bias, weightType: st.weightType(weight) };
    const bindings = [x, st.weight(weight, scope), ...(bias ? [st.weight(bias, scope)] : []), out];
    const uniform = st.uniform({ ...st.uniforms[scope.uniform]!, inputs: String(inDim), outputs: String(outDim) });
    st.dispatch(scope, name, st.kernels.add(matmulKernel(kind)), bindings, [ceildiv(String(outDim), MATMUL_TILE), ceildiv(scope.rows, MATMUL_TILE)], {
      uniform,
      single: { kernel: st.kernels.add(matvecKernel(kind)), workgroups: [ceildiv(String(outDim), MATVEC_OUTPUTS), '1'] },
    });
  }

  /**
   * Self-attention: project q, k, v; rotate q and k; append k and v to the cache at row `past`; attend;
   * project out. Cross-attention reads keys and values the memory pass put in its cache.
   */
  private attention(step: AttentionStep, scope: Scope, memory: Scope): void {
    const st = this.st;
    const { node, cross } = step;
    const width = step.out.width;
    const w = step.weights;
    const b = step.biases;
    const qWidth = node.heads * node.headDim;
    const kvWidth = node.kvHeads * node.headDim;
    const label = node.label ?? `${scope.stepPrefix}attention`;
    const local = label.replace(`.${LAYER_INDEX}.`, '.');
    const perLayer = scope.layers ? { layers: [...scope.layers] } : {};

    const q = st.activation(`${local}.q`, 'f32', 'R', qWidth);
    const qProj = step.norms ? st.activation(`${local}.q_proj`, 'f32', 'R', qWidth) : q;
    this.linear(scope, `${label}.q`, st.lookup(node.q, scope), w.q, b.q, step.q.width, qWidth, qProj);
    if (step.norms) this.qkNorm(scope, `${label}.q_norm`, qProj, q, step.norms.q, node.heads, node);
    let keys: string;
    let values: string;
    if (cross) {
      keys = st.addBuffer(`${label}.memory_keys`, { role: 'cache', dtype: 'f32', elements: times('S', kvWidth), shape: `[S, ${kvWidth}]`, ...perLayer });
      values = st.addBuffer(`${label}.memory_values`, { role: 'cache', dtype: 'f32', elements: times('S', kvWidth), shape: `[S, ${kvWidth}]`, ...perLayer });
      this.linear(memory, `${label}.k`, st.lookup(node.k, memory), w.k, b.k, step.k.width, kvWidth, keys);
      this.linear(memory, `${label}.v`, st.lookup(node.v, memory), w.v, b.v, step.v.width, kvWidth, values);
    } else {
      const context = this.model.context;
      keys = st.addBuffer(`${label}.keys`, { role: 'cache', dtype: 'f32', elements: String(context * kvWidth), shape: `[${context}, ${kvWidth}]`, ...perLayer });
      values = st.addBuffer(`${label}.values`, { role: 'cache', dtype: 'f32', elements: String(context * kvWidth), shape: `[${context}, ${kvWidth}]`, ...perLayer });
      const k = st.activation(`${local}.k`, 'f32', 'R', kvWidth);
      const v = st.activation(`${local}.v`, 'f32', 'R', kvWidth);
      const kProj = step.norms ? st.activation(`${local}.k_proj`, 'f32', 'R', kvWidth) : k;
      this.linear(scope, `${label}.k`, st.lookup(node.k, scope), w.k, b.k, step.k.width, kvWidth, kProj);
      if (step.norms) this.qkNorm(scope, `${label}.k_norm`, kProj, k, step.norms.k, node.kvHeads, node);
      this.linear(scope, `${label}.v`, st.lookup(node.v, scope), w.v, b.v, step.v.width, kvWidth, v);
      if (node.rope) this.rope(scope, `${label}.rope_k`, k, node.kvHeads, node);
      st.copy(scope, `${label}.append_keys`, k, keys, times('R', kvWidth), { to: times('past', kvWidth) });
      st.copy(scope, `${label}.append_values`, v, values, times('R', kvWidth), { to: times('past', kvWidth) });
    }
    if (node.rope) this.rope(scope, `${label}.rope_q`, q, node.heads, node);

    const context = st.activation(`${local}.context`, 'f32', 'R', qWidth);
    const slopes = step.slopes ? [st.constant(`alibi.heads${node.heads}`, step.slopes, `[${node.heads}]`)] : [];
    st.dispatch(scope, `${label}.attend`, st.kernels.add(attentionKernel(node, cross)), [q, keys, values, context, ...slopes], [String(node.heads), 'R'], {
      uniform: st.uniform(cross ? UNIFORMS.cross : UNIFORMS.stream),
    });
    this.linear(scope, `${label}.o`, context, w.o, b.o, qWidth, width, this.output(node, step.out, scope));
  }

  /** qk-norm: rms_norm of x into out, a row per head (heads × R rows of headDim) or per token. */
  private qkNorm(scope: Scope, name: string, x: string, out: string, weight: WeightRef, heads: number, node: AttentionNode): void {
    const n = node.qkNorm!;
    const perHead = n.over === 'head';
    const kernel = this.st.kernels.add(rmsNormKernel(perHead ? node.headDim : heads * node.headDim, n.eps, true, n.offset));
    const rows = perHead ? times('R', heads) : 'R';
    this.st.dispatch(scope, name, kernel, [x, this.st.weight(weight, scope), out], [rows, '1'], { uniform: this.st.uniform({ ...UNIFORMS.stream, rows }) });
  }

  private rope(scope: Scope, name: string, x: string, heads: number, node: AttentionNode): void {
    const rope = node.rope!;
    const maxPosition = this.model.context - 1;
    const table = (seqLen: number, what: string) => {
      const frequencies = ropeFrequencies(rope, seqLen);
      const scaled = rope.scaling.kind === 'none' ? '' : `.${rope.scaling.kind}${what}`;
      return this.st.constant(`rope.theta${rope.theta}.dim${rope.dim}${scaled}`, ropeTurns(frequencies, maxPosition), `[${rope.dim / 2}, 2]`);
    };
    const tables = [table(0, '')];
    if (rope.scaling.kind === 'longrope') tables.push(table(rope.scaling.original + 1, '_long'));
    const kernel = this.st.kernels.add(ropeKernel(heads, node.headDim, rope));
    this.st.dispatch(scope, name, kernel, [x, ...tables], flat(times('R', (heads * rope.dim) / 2)), { uniform: this.st.uniform(UNIFORMS.stream) });
  }
}
