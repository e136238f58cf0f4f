// The steps that compute one IR node on WebGPU: its output buffer, the kernel, the dispatch.
import type { AttentionNode, Node, ValueId } from '../../ir/nodes.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { ceildiv, times } from './expr.js';
import { ropeTurns, sinusoidalTurns, alibiSlopes } from './constants.js';
import { attentionKernel, ropeKernel } from './kernels/attention.js';
import { binaryKernel, ELEMENTWISE_THREADS, tanhGateKernel, unaryKernel, type UnaryFn } from './kernels/elementwise.js';
import { embeddingKernel, positionsKernel, sinusoidalKernel } from './kernels/embedding.js';
import { MATMUL_TILE, MATVEC_OUTPUTS, matmulKernel, matvecKernel } from './kernels/linear.js';
import { layerNormKernel, rmsNormKernel } from './kernels/norms.js';
import type { PlanExpr, PlanWorkgroups } from './plan.js';
import { UNIFORMS, type PlanState, type Scope } from './state.js';

/** Facts about the whole model the node steps need. */
export interface ModelFacts {
  readonly context: number;
  readonly vocab: number;
  /** The value whose buffer is the logits. */
  readonly output: ValueId;
}

function unsupported(node: never): never {
  throw new Error(`internal compiler error: no WebGPU kernel for ${(node as Node).op}`);
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
  output(node: Node, scope: Scope, width: number): string {
    if (node.id === this.model.output && scope.rows === 'tail') return this.logits(scope, width);
    const local = node.label ? node.label.replace(`.${LAYER_INDEX}.`, '.') : `${scope.prefix}${node.op}`;
    const name = this.st.activation(local, node.type.dtype, scope.rows, width);
    scope.names.set(node.id, name);
    return name;
  }

  logits(scope: Scope, width: number): string {
    if (scope.rows !== 'tail') throw new Error('internal compiler error: the logits are computed before the tail');
    const name = this.st.addBuffer('logits', { role: 'logits', dtype: 'f32', elements: times('tail', width), shape: `[tail, ${width}]` });
    scope.names.set(this.model.output, name);
    return name;
  }

  emit(node: Node, scope: Scope, memory: Scope): void {
    const st = this.st;
    const rows = scope.rows;
    if (node.op === 'input' || node.op === 'carried') return;
    const width = node.type.shape.length > 1 ? st.width(node.id) : 1;
    if (node.op === 'attention') return this.attention(node, scope, memory, width);
    const input = (id: ValueId) => st.lookup(id, scope);
    const out = this.output(node, scope, width);
    const name = node.label ?? `${scope.stepPrefix}${out.startsWith(scope.prefix) ? out.slice(scope.prefix.length) : out}`;
    switch (node.op) {
      case 'positions':
        st.dispatch(scope, name, st.kernels.add(positionsKernel(node.offset)), [out], flat(rows));
        return;
      case 'embedding': {
        const type = st.weightType(node.weight);
        const kernel = st.kernels.add(embeddingKernel(width, type));
        st.dispatch(scope, name, kernel, [input(node.ids), st.weight(node.weight, scope), out], flat(times(rows, width)));
        return;
      }
      case 'sinusoidal': {
        const turns = st.constant(`sinusoidal.base${node.base}.width${node.dim}`, sinusoidalTurns(node.base, node.dim, this.maxValue(node.positions)), `[${node.dim / 2}, 2]`);
        st.dispatch(scope, name, st.kernels.add(sinusoidalKernel(node.dim, node.base)), [input(node.positions), turns, out], flat(times(rows, width)));
        return;
      }
      case 'linear':
        this.linear(scope, name, input(node.x), node.weight, node.bias, st.width(node.x), width, out);
        return;
      case 'layer_norm': {
        const kernel = st.kernels.add(layerNormKernel(width, node.eps, !!node.weight, !!node.bias));
        const params = [node.weight, node.bias].filter((p): p is string => !!p).map((p) => st.weight(p, scope));
        st.dispatch(scope, name, kernel, [input(node.x), ...params, out], [rows, '1']);
        return;
      }
      case 'rms_norm': {
        const kernel = st.kernels.add(rmsNormKernel(width, node.eps, !!node.weight, node.offset));
        const params = node.weight ? [st.weight(node.weight, scope)] : [];
        st.dispatch(scope, name, kernel, [input(node.x), ...params, out], [rows, '1']);
        return;
      }
      case 'activation':
        return this.unary(scope, name, input(node.x), out, { kind: node.fn }, width);
      case 'scale':
        return this.unary(scope, name, input(node.x), out, { kind: 'scale', factor: node.factor }, width);
      case 'softcap':
        return this.unary(scope, name, input(node.x), out, { kind: 'softcap', cap: node.cap }, width);
      case 'tanh_gate':
        st.dispatch(scope, name, st.kernels.add(tanhGateKernel(width)), [input(node.x), st.weight(node.weight, scope), out], flat(times(rows, width)));
        return;
      case 'add':
      case 'sub':
      case 'mul':
        st.dispatch(scope, name, st.kernels.add(binaryKernel(node.op, width)), [input(node.a), input(node.b), out], flat(times(rows, width)));
        return;
      default:
        // Every op of the IR has a case above: a new one is a compile error here until it has.
        return unsupported(node);
    }
  }

  private unary(scope: Scope, name: string, x: string, out: string, fn: UnaryFn, width: number): void {
    this.st.dispatch(scope, name, this.st.kernels.add(unaryKernel(fn, width)), [x, out], flat(times(scope.rows, width)));
  }

  /** out [rows, outDim] = x [rows, inDim] · wᵀ + b: tiled for many rows, a matrix-vector product for one. */
  linear(scope: Scope, name: string, x: string, weight: string, bias: string | undefined, inDim: number, outDim: number, out: string): void {
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
  private attention(node: AttentionNode, scope: Scope, memory: Scope, width: number): void {
    const st = this.st;
    const cross = st.phaseOf(node.k) === 'memory';
    const p = node.params;
    const qWidth = node.heads * node.headDim;
    const kvWidth = node.kvHeads * node.headDim;
    const label = node.label ?? `${scope.stepPrefix}attention`;
    const local = label.replace(`.${LAYER_INDEX}.`, '.');
    const perLayer = scope.layers ? { layers: [...scope.layers] } : {};

    const q = st.activation(`${local}.q`, 'f32', 'R', qWidth);
    this.linear(scope, `${label}.q`, st.lookup(node.q, scope), p.q, p.qBias, st.width(node.q), qWidth, q);
    let keys: string;
    let values: string;
    if (cross) {
      keys = st.addBuffer(`${label}.memory_keys`, { role: 'cache', dtype: 'f32', elements: times('S', kvWidth), shape: `[S, ${kvWidth}]`, ...perLayer });
      values = st.addBuffer(`${label}.memory_values`, { role: 'cache', dtype: 'f32', elements: times('S', kvWidth), shape: `[S, ${kvWidth}]`, ...perLayer });
      this.linear(memory, `${label}.k`, st.lookup(node.k, memory), p.k, p.kBias, st.width(node.k), kvWidth, keys);
      this.linear(memory, `${label}.v`, st.lookup(node.v, memory), p.v, p.vBias, st.width(node.v), kvWidth, values);
    } else {
      const context = this.model.context;
      keys = st.addBuffer(`${label}.keys`, { role: 'cache', dtype: 'f32', elements: String(context * kvWidth), shape: `[${context}, ${kvWidth}]`, ...perLayer });
      values = st.addBuffer(`${label}.values`, { role: 'cache', dtype: 'f32', elements: String(context * kvWidth), shape: `[${context}, ${kvWidth}]`, ...perLayer });
      const k = st.activation(`${local}.k`, 'f32', 'R', kvWidth);
      const v = st.activation(`${local}.v`, 'f32', 'R', kvWidth);
      this.linear(scope, `${label}.k`, st.lookup(node.k, scope), p.k, p.kBias, st.width(node.k), kvWidth, k);
      this.linear(scope, `${label}.v`, st.lookup(node.v, scope), p.v, p.vBias, st.width(node.v), kvWidth, v);
      if (node.rope) this.rope(scope, `${label}.rope_k`, k, node.kvHeads, node);
      st.copy(scope, `${label}.append_keys`, k, keys, times('R', kvWidth), { to: times('past', kvWidth) });
      st.copy(scope, `${label}.append_values`, v, values, times('R', kvWidth), { to: times('past', kvWidth) });
    }
    if (node.rope) this.rope(scope, `${label}.rope_q`, q, node.heads, node);

    const context = st.activation(`${local}.context`, 'f32', 'R', qWidth);
    const slopes = node.alibi ? [st.constant(`alibi.heads${node.heads}`, alibiSlopes(node.heads), `[${node.heads}]`)] : [];
    st.dispatch(scope, `${label}.attend`, st.kernels.add(attentionKernel(node, cross)), [q, keys, values, context, ...slopes], [String(node.heads), 'R'], {
      uniform: st.uniform(cross ? UNIFORMS.cross : UNIFORMS.stream),
    });
    this.linear(scope, `${label}.o`, context, p.o, p.oBias, qWidth, width, this.output(node, scope, width));
  }

  private rope(scope: Scope, name: string, x: string, heads: number, node: AttentionNode): void {
    const rope = node.rope!;
    const turns = this.st.constant(`rope.theta${rope.theta}.dim${rope.dim}`, ropeTurns(rope.theta, rope.dim, this.model.context - 1), `[${rope.dim / 2}, 2]`);
    const kernel = this.st.kernels.add(ropeKernel(heads, node.headDim, rope));
    this.st.dispatch(scope, name, kernel, [x, turns], flat(times('R', (heads * rope.dim) / 2)), { uniform: this.st.uniform(UNIFORMS.stream) });
  }

  /** The largest value an integer tensor can hold (for the accuracy of angles computed from it). */
  private maxValue(id: ValueId): number {
    for (const item of this.st.graph.items) {
      if (item.op === 'positions' && item.id === id) return this.model.context - 1 + item.offset;
      if (item.op === 'input' && item.id === id) return this.model.vocab - 1;
    }
    return 2 ** 16;
  }
}
