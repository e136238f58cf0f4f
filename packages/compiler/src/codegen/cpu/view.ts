// The CPU renderer's view model: the schedule's steps as the text the templates lay out (kernel calls'
// arguments, TypeScript types, comments). It decides nothing the schedule decides: it reads only that.
import type { AttentionNode, Rope } from '../../ir/nodes.js';
import { ropeAttentionFactor, ropeFrequencies } from '../../ir/rope-frequencies.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { identifier, NameTable } from '../names.js';
import type {
  AttentionStep,
  CacheRef,
  CrossKvStep,
  LinearStep,
  Rows,
  Schedule,
  ScheduledBody,
  ScheduledRegion,
  Step,
  TailStep,
  WeightRef,
} from '../schedule/index.js';

export interface StateView {
  readonly name: string;
  readonly fields: readonly { readonly field: string; readonly type: string; readonly comment: string }[];
}

export interface BodyView {
  readonly index: number;
  readonly fn: string;
  readonly memoryFn?: string;
  readonly state: string;
  readonly states: string;
  readonly layers: string;
  readonly allLayers: boolean;
  readonly inits: readonly { readonly field: string; readonly expr: string }[];
  readonly params: string;
  readonly returnType: string;
  readonly call: string;
  readonly memoryParams: string;
  readonly memoryCall: string;
  readonly statements: readonly Stmt[];
  readonly memoryStatements: readonly Stmt[];
}

export interface RegionView {
  readonly label: string;
  readonly count: number;
  readonly bodies: readonly BodyView[];
  readonly single: boolean;
  readonly table: string;
  readonly tableValues: string;
}

export interface CpuView {
  readonly source: string;
  readonly name: string;
  readonly doc: readonly string[];
  readonly summary: string;
  readonly manifest: {
    readonly name: string;
    readonly vocab: number;
    readonly context: number;
    readonly memory: string;
    readonly params: readonly string[];
    readonly packed: readonly string[];
    readonly recomputeCacheAt?: number;
  };
  readonly context: number;
  readonly configs: readonly { readonly name: string; readonly type: string; readonly value: string; readonly comment: string }[];
  readonly states: readonly StateView[];
  readonly topWeights: readonly { readonly field: string; readonly expr: string; readonly comment: string }[];
  readonly regions: readonly RegionView[];
  readonly memoryStatements: readonly Stmt[];
  readonly forwardStatements: readonly Stmt[];
  readonly result: string;
}

const ACTIVATION_KERNELS: Record<string, string> = {
  relu: 'relu',
  gelu: 'gelu',
  gelu_tanh: 'geluTanh',
  silu: 'silu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  identity: 'identity',
};

export function buildCpuView(schedule: Schedule, sourceName: string): CpuView {
  return new CpuRenderer(schedule).view(sourceName);
}

/** One statement of generated code: `partial` names the template that renders it. */
export type Stmt = ReturnType<CpuRenderer['statement']> | LayerReturn | ReturnType<CpuRenderer['region']>['forward'] | RegionMemory;

interface LayerReturn {
  readonly partial: 'layer-return';
  readonly results: readonly { readonly value: string; readonly slot: number; readonly width: number }[];
  readonly single: boolean;
}

interface RegionMemory extends RegionView {
  readonly partial: 'region-memory';
  readonly calls: readonly { readonly index: number; readonly call: string }[];
}

export class CpuRenderer {
  /** Module-level identifiers: layer functions, their state types, attention configs, body tables. */
  private readonly moduleNames = new NameTable();
  private readonly configs: { name: string; type: string; value: string; comment: string }[] = [];
  /** Rotary tables by what they hold, so attentions with one scaling share one. */
  private readonly ropeTables = new Map<string, string>();
  private readonly states: StateView[] = [];
  private readonly regions: RegionView[] = [];

  constructor(private readonly schedule: Schedule) {}

  view(source: string): CpuView {
    const s = this.schedule;
    const m = s.manifest;
    const topWeights = [
      ...s.fields.weights.map((w) => ({ field: w.field, expr: load(w, `weights.get('${w.param}')`), comment: `[${w.shape.join(', ')}]` })),
      ...s.fields.caches.map((c) => ({ field: c.field, expr: cacheInit(c), comment: cacheComment(c) })),
    ];
    const forwardStatements: Stmt[] = [];
    const memoryStatements: Stmt[] = [];
    for (const step of s.steps) {
      if (step.kind === 'region') {
        const { forward, memory } = this.region(step.region);
        forwardStatements.push(forward);
        if (memory) memoryStatements.push(memory);
      } else (step.phase === 'memory' ? memoryStatements : forwardStatements).push(this.statement(step));
    }
    return {
      source,
      name: s.name,
      doc: s.doc,
      summary: `vocab ${m.vocab}, context ${m.context}, ${s.paramCount.toLocaleString('en-US')} parameters`,
      manifest: {
        name: JSON.stringify(m.name),
        vocab: m.vocab,
        context: m.context,
        memory: m.memory ? `{ name: ${JSON.stringify(m.memory.name)}, width: ${m.memory.width}${m.memory.maxLength !== undefined ? `, maxLength: ${m.memory.maxLength}` : ''} }` : 'null',
        params: m.params.map((p) => `{ name: ${JSON.stringify(p.name)}, shape: [${p.shape.join(', ')}], init: ${initText(p.init)} }`),
        packed: this.packedParams(),
        ...(m.recomputeCacheAt !== undefined ? { recomputeCacheAt: m.recomputeCacheAt } : {}),
      },
      context: m.context,
      configs: this.configs,
      states: this.states,
      topWeights,
      regions: this.regions,
      memoryStatements,
      forwardStatements,
      result: s.output.name,
    };
  }

  /**
   * The parameters `ws.matrix` packs for the linear kernel, as entries of the manifest's `packed` list:
   * per repeat region, the layer-relative names of each body expanded by `k.layerParams`; then the model's.
   */
  private packedParams(): string[] {
    const entries: string[] = [];
    for (const step of this.schedule.steps) {
      if (step.kind !== 'region') continue;
      const r = step.region;
      const prefix = `${r.label}.${LAYER_INDEX}.`;
      const bodies = r.bodies.map((b) => `[${b.weights.filter(packed).map((w) => JSON.stringify(w.param.slice(prefix.length))).join(', ')}]`);
      entries.push(`...k.layerParams(${JSON.stringify(r.label)}, [${r.bodyOfLayer.join(', ')}], [${bodies.join(', ')}])`);
    }
    for (const w of this.schedule.fields.weights) if (packed(w)) entries.push(JSON.stringify(w.param));
    return entries;
  }

  region(r: ScheduledRegion) {
    const table = this.moduleNames.take(`${identifier(r.label)}_BODY`);
    const carried = r.carried.map((c) => c.name);
    const bodies = r.bodies.map((b) => this.body(r, b, carried));
    const single = bodies.length === 1;
    const region: RegionView = { label: r.label, count: r.count, bodies, single, table, tableValues: `[${r.bodyOfLayer.join(', ')}]` };
    this.regions.push(region);
    const forward = {
      partial: 'region-forward' as const,
      ...region,
      carried: r.carried.map((c) => ({ name: c.name, init: c.init.name, shape: `[R, ${c.width}]` })),
      target: carried.length === 1 ? carried[0]! : `[${carried.join(', ')}]`,
      calls: bodies.map((b) => ({ index: b.index, call: b.call })),
    };
    const memory: RegionMemory | undefined = r.hasMemory
      ? { partial: 'region-memory', ...region, calls: bodies.filter((b) => b.memoryCall).map((b) => ({ index: b.index, call: b.memoryCall })) }
      : undefined;
    return { forward, memory };
  }

  private body(r: ScheduledRegion, b: ScheduledBody, carried: readonly string[]): BodyView {
    const prefix = identifier(r.label);
    const fn = this.moduleNames.take(`${prefix}_layer${b.index}`);
    const state = this.moduleNames.take(`${prefix.charAt(0).toUpperCase()}${prefix.slice(1)}Layer${b.index}`);
    const fields = [
      ...b.weights.map((w) => ({ field: w.field, type: packed(w) ? 'k.Matrix' : 'Float32Array', comment: `[${w.shape.join(', ')}]` })),
      ...b.caches.map((c) => ({ field: c.field, type: 'k.KVCache', comment: cacheComment(c) })),
    ];
    const inits = [
      ...b.weights.map((w) => ({ field: w.field, expr: load(w, `weights.get(\`${w.param.replace(LAYER_INDEX, '${i}')}\`)`) })),
      ...b.caches.map((c) => ({ field: c.field, expr: cacheInit(c) })),
    ];
    this.states.push({ name: state, fields });
    const statements: Stmt[] = [];
    const memoryStatements: Stmt[] = [];
    for (const step of b.steps) {
      if (step.kind === 'region') throw new Error('internal compiler error: a region inside a layer');
      (step.phase === 'memory' ? memoryStatements : statements).push(this.statement(step));
    }
    const results = b.results.map((res, i) => ({ value: res.value.name, slot: res.slot, width: r.carried[i]!.width }));
    statements.push({ partial: 'layer-return', results, single: results.length === 1 });
    const memoryFn = memoryStatements.length ? `${fn}_memory` : undefined;
    const arrayType = (dtype: string) => (dtype === 'i32' ? 'Int32Array' : 'Float32Array');
    const names = b.carried.map((c) => c.name);
    return {
      index: b.index,
      fn,
      ...(memoryFn ? { memoryFn } : {}),
      state,
      states: `${prefix}${b.index}`,
      layers: `[${b.layers.join(', ')}]`,
      allLayers: b.layers.length === r.count,
      inits,
      params: ['i: number', 'R: number', 'past: number', ...names.map((p) => `${p}: Float32Array`), ...b.streamArgs.map((a) => `${a.name}: ${arrayType(a.outer.dtype)}`)].join(', '),
      returnType: names.length === 1 ? 'Float32Array' : `[${names.map(() => 'Float32Array').join(', ')}]`,
      call: `${fn}(${['i', 'R', 'past', ...carried, ...b.streamArgs.map((a) => a.outer.name)].join(', ')})`,
      memoryParams: ['i: number', 'S: number', ...b.memoryArgs.map((a) => `${a.name}: ${arrayType(a.outer.dtype)}`)].join(', '),
      memoryCall: memoryFn ? `${memoryFn}(${['i', 'S', ...b.memoryArgs.map((a) => a.outer.name)].join(', ')})` : '',
      statements,
      memoryStatements,
    };
  }

  /** The statement of one step, for its partial. */
  statement(step: Exclude<Step, { kind: 'region' }>) {
    if (step.kind === 'tail') return tail(step);
    if (step.kind === 'cross_kv') return crossKv(step);
    if (step.kind === 'linear2') {
      const [a, b] = [linear(step.first), linear(step.second)];
      const biases = a.bias || b.bias ? `, ${a.bias || 'undefined'}, ${b.bias || 'undefined'}` : '';
      return { partial: 'linear2' as const, first: a, second: b, x: a.x, rows: a.rows, inDim: a.inDim, biases };
    }
    const o = step.out;
    const rows = rowsName(o.rows);
    const base = { out: o.name, slot: o.slot, rows, width: o.width, shape: `[${rows}, ${o.width}]`, label: o.label };
    switch (step.kind) {
      case 'positions':
        return { partial: 'positions' as const, ...base, shape: `[${rows}]`, offset: step.node.offset, start: rows === 'R' ? 'past' : `past + R - ${rows}` };
      case 'embedding':
        return { partial: 'embedding' as const, ...base, ids: step.ids.name, table: weight(step.table) };
      case 'sinusoidal':
        return { partial: 'sinusoidal' as const, ...base, positions: step.positions.name, base: num(step.node.base) };
      case 'linear':
        return linear(step);
      case 'layer_norm':
        return { partial: 'layer-norm' as const, ...base, x: step.x.name, weight: optional(step.weight), bias: optional(step.bias), eps: num(step.node.eps) };
      case 'rms_norm':
        return { partial: 'rms-norm' as const, ...base, x: step.x.name, weight: optional(step.weight), eps: num(step.node.eps), offset: num(step.node.offset) };
      case 'unary': {
        const n = step.node;
        const [kernel, extra] = n.op === 'activation' ? [ACTIVATION_KERNELS[n.fn]!, ''] : n.op === 'scale' ? ['scale', `, ${num(n.factor)}`] : ['softcap', `, ${num(n.cap)}`];
        return { partial: 'unary' as const, ...base, kernel, x: step.x.name, extra };
      }
      case 'tanh_gate':
        // The scale kernel, by tanh of the learned scalar.
        return { partial: 'unary' as const, ...base, kernel: 'scale', x: step.x.name, extra: `, Math.tanh(${weight(step.weight)}[0]!)` };
      case 'binary':
        return { partial: 'binary' as const, ...base, kernel: step.node.op, a: step.a.name, b: step.b.name };
      case 'moe': {
        const n = step.node;
        return {
          partial: 'moe' as const,
          ...base,
          x: step.x.name,
          hidden: n.hidden,
          topK: n.topK,
          normTopk: String(n.normTopk),
          act: ACTIVATION_KERNELS[n.act]!,
          router: weight(step.router),
          experts: step.experts.map((e) => [e.gate, e.up, e.down].map(weight).join(', ')),
          comment: `${o.label}: top ${n.topK} of ${n.experts.length} experts of hidden width ${n.hidden}, [${rows}, ${o.width}] -> [${rows}, ${o.width}]`,
        };
      }
      case 'attention':
        return this.attention(step, base);
    }
  }

  /** The module constant holding a scaled rope's frequencies (`k.RopeTable`), or '' when it is unscaled. */
  private ropeTable(rope: Rope): string {
    const s = rope.scaling;
    if (s.kind === 'none') return '';
    const inv = (seqLen: number) => `new Float64Array([${ropeFrequencies(rope, seqLen).map(num).join(', ')}])`;
    const value =
      s.kind === 'dynamic'
        ? `{ inv: ${inv(0)}, attention: 1, original: ${s.original}, ntk: { theta: ${num(rope.theta)}, factor: ${num(s.factor)} } }`
        : s.kind === 'longrope'
          ? `{ inv: ${inv(0)}, long: ${inv(s.original + 1)}, original: ${s.original}, attention: ${num(s.attention)} }`
          : `{ inv: ${inv(0)}, attention: ${num(ropeAttentionFactor(s))} }`;
    const known = this.ropeTables.get(value);
    if (known) return known;
    const name = this.moduleNames.take(`ROPE_${s.kind}_${rope.dim}`.toUpperCase());
    this.ropeTables.set(value, name);
    this.configs.push({ name, type: 'k.RopeTable', value, comment: `rotary frequencies of ${rope.dim} channels, θ=${rope.theta}, ${s.kind} scaling` });
    return name;
  }

  private attention(step: AttentionStep, base: { out: string; slot: number; rows: string; width: number; shape: string; label: string }) {
    const node = step.node;
    const cross = step.cross;
    const config = this.moduleNames.take(`${identifier((node.label ?? 'attention').replace(`.${LAYER_INDEX}.`, '_'))}_CONFIG`.toUpperCase());
    const maskCode = node.mask.kind === 'none' ? 0 : node.mask.kind === 'causal' ? 1 : 2;
    const window = node.mask.kind === 'sliding' ? node.mask.window : 0;
    this.configs.push({
      name: config,
      type: 'k.AttentionConfig',
      comment: `${node.label ?? 'attention'}: ${node.heads} heads × ${node.headDim}, ${node.kvHeads} key/value heads, ${node.mask.kind === 'sliding' ? `sliding window ${window}` : node.mask.kind} mask${node.rope ? `, rope θ=${node.rope.theta} on ${node.rope.dim} dims (${node.rope.layout})` : ''}${node.alibi ? ', ALiBi' : ''}`,
      value: `{ heads: ${node.heads}, kvHeads: ${node.kvHeads}, headDim: ${node.headDim}, mask: ${maskCode}, window: ${window}, scale: ${num(node.scale)}, softcap: ${num(node.softcap)}${node.alibi ? `, slopes: k.alibiSlopes(${node.heads})` : ''} }`,
    });
    const w = step.weights;
    const bias = step.biases;
    return {
      partial: 'attention' as const,
      ...base,
      cross,
      config,
      q: step.queries.name,
      ctx: step.context.name,
      qSlot: step.queries.slot,
      ctxSlot: step.context.slot,
      scoreSlot: step.scoresSlot,
      xq: step.q.name,
      xk: step.k.name,
      xv: step.v.name,
      dq: step.q.width,
      dk: step.k.width,
      dv: step.v.width,
      qWidth: node.heads * node.headDim,
      kvWidth: step.cache.width,
      outWidth: step.out.width,
      wq: weight(w.q),
      bq: bias.q ? weight(bias.q) : '',
      wk: weight(w.k),
      bk: bias.k ? weight(bias.k) : '',
      wv: weight(w.v),
      bv: bias.v ? weight(bias.v) : '',
      wo: weight(w.o),
      bo: bias.o ? weight(bias.o) : '',
      cache: cache(step.cache),
      fused: step.fusedQkv,
      qkvBiases: bias.q || bias.k || bias.v ? `, ${[bias.q, bias.k, bias.v].map(optional).join(', ')}` : '',
      heads: node.heads,
      kvHeads: node.kvHeads,
      headDim: node.headDim,
      rope: node.rope ? { dim: node.rope.dim, theta: num(node.rope.theta), layout: node.rope.layout, table: this.ropeTable(node.rope) } : (false as const),
      qkNorm: node.qkNorm && step.norms ? qkNormView(node, step.norms, base.rows) : (false as const),
      keyCount: cross ? 'memoryLength' : `past + ${base.rows}`,
      comment: `${base.label}: ${cross ? 'cross' : 'self'}-attention, [${base.rows}, ${step.q.width}] -> [${base.rows}, ${step.out.width}]`,
    };
  }
}

/** The rmsNorm calls of qk-norm: each head a row of headDim, or each token a row of the whole projection. */
function qkNormView(node: AttentionNode, norms: NonNullable<AttentionStep['norms']>, rows: string) {
  const n = node.qkNorm!;
  const perHead = n.over === 'head';
  return {
    qRows: perHead ? `${rows} * ${node.heads}` : rows,
    kRows: perHead ? `${rows} * ${node.kvHeads}` : rows,
    qWidth: perHead ? node.headDim : node.heads * node.headDim,
    kWidth: perHead ? node.headDim : node.kvHeads * node.headDim,
    wq: weight(norms.q),
    wk: weight(norms.k),
    eps: num(n.eps),
    offset: num(n.offset),
    over: perHead ? 'each head' : 'the whole projection',
  };
}

function linear(step: LinearStep) {
  const o = step.out;
  const rows = rowsName(o.rows);
  return {
    partial: 'linear' as const,
    out: o.name,
    slot: o.slot,
    rows,
    x: step.x.name,
    inDim: step.x.width,
    outDim: o.width,
    weight: weight(step.weight),
    bias: step.bias ? weight(step.bias) : '',
    comment: `${o.label}: [${rows}, ${step.x.width}] -> [${rows}, ${o.width}]`,
  };
}

function crossKv(step: CrossKvStep) {
  return {
    partial: 'cross-kv' as const,
    cache: cache(step.cache),
    label: step.node.label?.split('.').pop() ?? 'attention',
    xk: step.k.name,
    xv: step.v.name,
    dk: step.k.width,
    dv: step.v.width,
    kvWidth: step.cache.width,
    wk: weight(step.weights.k),
    bk: step.biases.k ? weight(step.biases.k) : '',
    wv: weight(step.weights.v),
    bv: step.biases.v ? weight(step.biases.v) : '',
  };
}

/** When only the last row's logits are wanted, position-wise work after the last attention runs on one row. */
function tail(step: TailStep) {
  return { partial: 'tail' as const, slices: step.slices.map((s) => ({ from: s.from, to: s.to, width: s.width })) };
}

/** The generated code's name for a row count: the tail's rows are `rows`. */
function rowsName(rows: Rows): string {
  return rows === 'tail' ? 'rows' : rows;
}

/** A weight as a step reaches it: a field of the layer state `W`, or a local of createModel. */
function weight(w: WeightRef): string {
  return w.placement === 'layer' ? `W.${w.field}` : w.field;
}

function optional(w: WeightRef | undefined): string {
  return w ? weight(w) : 'undefined';
}

function cache(c: CacheRef): string {
  return c.placement === 'layer' ? `W.${c.field}` : c.field;
}

function cacheInit(c: CacheRef): string {
  return c.kind === 'self' ? `ws.kvCache(CONTEXT, ${c.width})` : `ws.memoryCache(${c.width})`;
}

function cacheComment(c: CacheRef): string {
  return c.kind === 'self' ? '[context, kv width] keys and values' : 'keys and values of the memory';
}

/** The weights of linear maps the workspace packs for the linear kernel (`ws.matrix`). */
function packed(w: WeightRef): boolean {
  return w.linear && w.shape.length === 2;
}

/** How a weight is loaded: packed for the linear kernel, copied where the WebAssembly kernels reach (biases), or used as it is. */
function load(w: WeightRef, get: string): string {
  if (packed(w)) return `ws.matrix(${get}, ${w.shape[0]}, ${w.shape[1]})`;
  return w.bias ? `ws.tensor(${get})` : get;
}

function initText(init: Schedule['manifest']['params'][number]['init']): string {
  return init.kind === 'normal' ? `{ kind: "normal", std: ${init.std} }` : `{ kind: "${init.kind}" }`;
}

/** A number as TypeScript source (keeps full precision). */
function num(x: number): string {
  return String(x);
}
