// Builds the view model the CPU templates render: every value named, every kernel call's arguments
// worked out, so the templates only lay code out.
import { dimValue } from '../../ir/dim.js';
import type { AttentionNode, Graph, Item, LayerBody, Node, RepeatRegion, ValueId } from '../../ir/nodes.js';
import { operands, valueTypes } from '../../ir/walk.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { analyze } from '../../analysis/index.js';
import { identifier, NameTable } from '../names.js';
import { valuePhases, type Phase } from '../phases.js';
import { fuseLinears } from './fuse.js';

/** One statement of generated code: `partial` names the template that renders it. */
export interface Stmt {
  readonly partial: string;
  readonly [field: string]: unknown;
}

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
  /** The call for the forward loop, given the names of the carried values. */
  readonly call: (carried: readonly string[]) => string;
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
  readonly hasMemory: boolean;
  /** Width of each carried value. */
  readonly widths: readonly number[];
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
  };
  readonly context: number;
  readonly configs: readonly { readonly name: string; readonly value: string; readonly comment: string }[];
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

export function buildCpuView(graph: Graph, sourceName: string): CpuView {
  return new ViewBuilder(graph, sourceName).build();
}

/** Naming and statement building for one function body (forward, setMemory, or a layer). */
interface Scope {
  readonly names: Map<ValueId, string>;
  readonly table: NameTable;
  /** How the state holding weights and caches is reached: `W.` in layers, nothing at top level. */
  readonly weight: (param: string) => string;
  readonly cache: (node: AttentionNode, kind: 'self' | 'cross') => string;
  rows: string;
}

class ViewBuilder {
  private readonly types: ReturnType<typeof valueTypes>;
  private readonly phases: Map<ValueId, Phase>;
  private readonly info: ReturnType<typeof analyze>;
  private readonly configs: CpuView['configs'][number][] = [];
  private readonly moduleNames = new NameTable();
  private readonly topWeightFields = new Map<string, string>();
  private readonly states: StateView[] = [];
  /** Parameters a linear kernel multiplies by: the workspace packs them for it. */
  private readonly matrices: Set<string>;
  /** Other parameters a WebAssembly kernel reads (biases): the workspace copies them where it reaches. */
  private readonly kernelInputs: Set<string>;

  constructor(
    private readonly graph: Graph,
    private readonly sourceName: string,
  ) {
    this.types = valueTypes(graph);
    this.phases = valuePhases(graph);
    this.info = analyze(graph);
    this.matrices = matrixParams(graph);
    this.kernelInputs = biasParams(graph);
  }

  /**
   * The parameters `ws.matrix` packs for the linear kernel, as entries of the manifest's `packed` list:
   * per repeat region, the layer-relative names of each body expanded by `k.layerParams`; then the
   * top-level names.
   */
  private packedParams(): string[] {
    const packed = (p: { readonly name: string; readonly shape: readonly number[] }) => this.matrices.has(p.name) && p.shape.length === 2;
    const entries: string[] = [];
    for (const item of this.graph.items) {
      if (item.op !== 'repeat') continue;
      const prefix = `${item.label}.${LAYER_INDEX}.`;
      const bodies = item.bodies.map((body) => `[${body.params.filter(packed).map((p) => JSON.stringify(p.name.slice(prefix.length))).join(', ')}]`);
      entries.push(`...k.layerParams(${JSON.stringify(item.label)}, [${item.bodyOfLayer.join(', ')}], [${bodies.join(', ')}])`);
    }
    for (const p of this.graph.params) if (packed(p)) entries.push(JSON.stringify(p.name));
    return entries;
  }

  /** How a weight is loaded: packed for the linear kernel, copied for another kernel, or used as it is. */
  private load(param: { readonly name: string; readonly shape: readonly number[] }, get: string): string {
    if (this.matrices.has(param.name) && param.shape.length === 2) return `ws.matrix(${get}, ${param.shape[0]}, ${param.shape[1]})`;
    return this.kernelInputs.has(param.name) ? `ws.tensor(${get})` : get;
  }

  build(): CpuView {
    const g = this.graph;
    const topTable = new NameTable();
    const memoryInput = g.items.find((i) => i.op === 'input' && i.role === 'memory');
    const topWeights = g.params
      .filter((p) => !g.items.some((i) => i.op === 'repeat' && p.name.startsWith(i.label + '.') && /^\d+$/.test(p.name.slice(i.label.length + 1).split('.')[0]!)))
      .map((p) => {
        const field = topTable.take(p.name);
        this.topWeightFields.set(p.name, field);
        return { field, expr: this.load(p, `weights.get('${p.name}')`), comment: `[${p.shape.join(', ')}]` };
      });
    // Attention outside any repeat keeps its caches beside the top-level weights.
    const topCaches = new Map<string, string>();
    for (const item of g.items) {
      if (item.op !== 'attention') continue;
      const kind = this.phases.get(item.k) === 'memory' ? 'cross' : 'self';
      const field = topTable.take(`${item.label ?? 'attention'}_${kind === 'self' ? 'cache' : 'cross'}`);
      topCaches.set(`${item.id}:${kind}`, field);
      topWeights.push({
        field,
        expr: `ws.kvCache(${kind === 'self' ? 'CONTEXT' : '0'}, ${item.kvHeads * item.headDim})`,
        comment: kind === 'self' ? '[context, kv width] keys and values' : 'keys and values of the memory',
      });
    }
    const topCache = (n: AttentionNode, kind: 'self' | 'cross') => topCaches.get(`${n.id}:${kind}`)!;
    const forward = this.scope(topTable, (p) => this.topWeightFields.get(p)!, topCache, 'R');
    const memory = this.scope(topTable, (p) => this.topWeightFields.get(p)!, topCache, 'S');
    const forwardStatements: Stmt[] = [];
    const memoryStatements: Stmt[] = [];
    const regions: RegionView[] = [];
    const tailStart = lastMixingIndex(g.items) + 1;
    g.items.forEach((item, index) => {
      if (index === tailStart) forwardStatements.push(...this.tail(forward, index));
      if (item.op === 'repeat') {
        const region = this.region(item, forward, memory);
        regions.push(region);
        const inits = item.carried.map((c) => forward.names.get(c.init) ?? 'undefined');
        const carried = this.carriedNames(item, forward);
        forwardStatements.push({
          partial: 'region-forward',
          ...region,
          carried: carried.map((name, i) => ({ name, init: inits[i], shape: `[R, ${region.widths[i]}]` })),
          target: carried.length === 1 ? carried[0] : `[${carried.join(', ')}]`,
          calls: region.bodies.map((b) => ({ index: b.index, call: b.call(carried) })),
        });
        if (region.hasMemory) {
          memoryStatements.push({ partial: 'region-memory', ...region, calls: region.bodies.filter((b) => b.memoryCall).map((b) => ({ index: b.index, call: b.memoryCall })) });
        }
        return;
      }
      const phase = this.phases.get(item.id) ?? 'stream';
      const stmts = this.node(item, phase === 'memory' ? memory : forward);
      (phase === 'memory' ? memoryStatements : forwardStatements).push(...stmts);
    });
    if (tailStart >= g.items.length) forwardStatements.push(...this.tail(forward, g.items.length));
    const out = g.outputs[0]!;
    const manifest = {
      name: g.name,
      vocab: this.info.vocab,
      context: this.info.context,
      memory:
        memoryInput && memoryInput.op === 'input'
          ? {
              name: memoryInput.name,
              width: dimValue(memoryInput.type.shape[1]!) ?? 0,
              ...(memoryLengthBound(g, memoryInput.type.shape[0]!) !== undefined ? { maxLength: memoryLengthBound(g, memoryInput.type.shape[0]!) } : {}),
            }
          : null,
      params: g.params.map((p) => ({ name: p.name, shape: p.shape, init: p.init })),
    };
    return {
      source: this.sourceName,
      name: g.name,
      doc: (g.doc ?? '').split('\n').filter(Boolean),
      summary: `vocab ${this.info.vocab}, context ${this.info.context}, ${this.info.params.total.toLocaleString('en-US')} parameters`,
      manifest: {
        name: JSON.stringify(manifest.name),
        vocab: manifest.vocab,
        context: manifest.context,
        memory: manifest.memory
          ? `{ name: ${JSON.stringify(manifest.memory.name)}, width: ${manifest.memory.width}${manifest.memory.maxLength !== undefined ? `, maxLength: ${manifest.memory.maxLength}` : ''} }`
          : 'null',
        params: manifest.params.map((p) => `{ name: ${JSON.stringify(p.name)}, shape: [${p.shape.join(', ')}], init: ${initText(p.init)} }`),
        packed: this.packedParams(),
      },
      context: this.info.context,
      configs: this.configs,
      states: this.states,
      topWeights,
      regions,
      memoryStatements,
      forwardStatements: fuseLinears(forwardStatements),
      result: forward.names.get(out.value) ?? 'undefined',
    };
  }

  private scope(table: NameTable, weight: Scope['weight'], cache: Scope['cache'], rows: string): Scope {
    return { names: new Map(), table, weight, cache, rows };
  }

  private carriedNames(region: RepeatRegion, scope: Scope): string[] {
    return region.results.map((id, i) => {
      const name = scope.table.take(`${region.label}_${region.carried[i]!.name}`);
      scope.names.set(id, name);
      return name;
    });
  }

  /** When only the last row's logits are wanted, position-wise work after the last attention runs on one row. */
  private tail(scope: Scope, index: number): Stmt[] {
    const before = new Set<ValueId>();
    for (const item of this.graph.items.slice(0, index)) {
      if (item.op === 'repeat') item.results.forEach((id) => before.add(id));
      else before.add(item.id);
    }
    // Inputs are there from the start, wherever they are declared.
    for (const item of this.graph.items) if (item.op === 'input') before.add(item.id);
    const usedAfter = new Set<ValueId>();
    for (const item of this.graph.items.slice(index)) if (item.op !== 'repeat') operands(item).forEach((id) => usedAfter.add(id));
    this.graph.outputs.forEach((o) => usedAfter.add(o.value));
    const slices = [...before]
      .filter((id) => usedAfter.has(id) && this.phases.get(id) !== 'memory')
      .map((id) => {
        const t = this.types.get(id)!;
        const from = scope.names.get(id) ?? 'tokens';
        const to = scope.table.take(`${from}_rows`);
        scope.names.set(id, to);
        return { from, to, width: t.shape.length > 1 ? (dimValue(t.shape[t.shape.length - 1]!) ?? 1) : 1 };
      });
    scope.rows = 'rows';
    return [{ partial: 'tail', slices }];
  }

  private region(region: RepeatRegion, forward: Scope, memory: Scope): RegionView {
    const prefix = identifier(region.label);
    const table = this.moduleNames.take(`${prefix}_BODY`);
    const bodies = region.bodies.map((body, index) => this.body(region, body, index, forward, memory));
    return {
      label: region.label,
      count: region.count,
      bodies,
      single: bodies.length === 1,
      table,
      tableValues: `[${region.bodyOfLayer.join(', ')}]`,
      hasMemory: bodies.some((b) => b.memoryStatements.length > 0),
      widths: region.carried.map((c) => dimValue(c.type.shape[c.type.shape.length - 1]!) ?? 1),
    };
  }

  private body(region: RepeatRegion, body: LayerBody, index: number, forward: Scope, memory: Scope): BodyView {
    const prefix = identifier(region.label);
    const fn = this.moduleNames.take(`${prefix}_layer${index}`);
    const stateName = this.moduleNames.take(`${prefix.charAt(0).toUpperCase()}${prefix.slice(1)}Layer${index}`);
    const states = `${prefix}${index}`;
    const fieldTable = new NameTable();
    const weightFields = new Map<string, string>();
    const fields: { field: string; type: string; comment: string }[] = [];
    const inits: { field: string; expr: string }[] = [];
    const layerPrefix = `${region.label}.${LAYER_INDEX}.`;
    for (const p of body.params) {
      const field = fieldTable.take(p.name.slice(layerPrefix.length));
      weightFields.set(p.name, field);
      const matrix = this.matrices.has(p.name) && p.shape.length === 2;
      fields.push({ field, type: matrix ? 'k.Matrix' : 'Float32Array', comment: `[${p.shape.join(', ')}]` });
      inits.push({ field, expr: this.load(p, `weights.get(\`${p.name.replace(LAYER_INDEX, '${i}')}\`)`) });
    }
    const caches = new Map<string, string>();
    for (const node of body.nodes) {
      if (node.op !== 'attention') continue;
      const kind = this.phases.get(node.k) === 'memory' ? 'cross' : 'self';
      const field = fieldTable.take(`${(node.label ?? 'attention').slice(layerPrefix.length)}_${kind === 'self' ? 'cache' : 'cross'}`);
      caches.set(`${node.id}:${kind}`, field);
      fields.push({ field, type: 'k.KVCache', comment: kind === 'self' ? '[context, kv width] keys and values' : 'keys and values of the memory' });
      const capacity = kind === 'self' ? 'CONTEXT' : '0';
      inits.push({ field, expr: `ws.kvCache(${capacity}, ${node.kvHeads * node.headDim})` });
    }
    this.states.push({ name: stateName, fields });

    const weight = (p: string) => (weightFields.has(p) ? `W.${weightFields.get(p)}` : this.topWeightFields.get(p)!);
    const cache = (n: AttentionNode, kind: 'self' | 'cross') => `W.${caches.get(`${n.id}:${kind}`)}`;
    const bodyTable = new NameTable();
    const stream = this.scope(bodyTable, weight, cache, 'R');
    const memTable = new NameTable();
    const mem = this.scope(memTable, weight, cache, 'S');
    const params = region.carried.map((c) => bodyTable.take(c.name));
    for (const node of body.nodes) if (node.op === 'carried') stream.names.set(node.id, params[node.index]!);

    // Values from outside the layer (positions, a memory) come in as arguments.
    const inBody = new Set(body.nodes.map((n) => n.id));
    const outer = (phase: Phase) => {
      const ids = new Set<ValueId>();
      for (const node of body.nodes) {
        const nodePhase = this.phases.get(node.id) ?? 'stream';
        const reads = node.op === 'attention' && phase === 'memory' && this.phases.get(node.k) === 'memory' ? [node.k, node.v] : nodePhase === phase ? operands(node) : [];
        for (const id of reads) if (!inBody.has(id) && (this.phases.get(id) ?? 'stream') === phase) ids.add(id);
      }
      return [...ids];
    };
    const outerStream = outer('stream');
    const outerMemory = outer('memory');
    const outerName = (id: ValueId, from: Scope) => from.names.get(id) ?? (this.isInput(id) ? this.inputName(id) : `v${id}`);
    const streamArgs = outerStream.map((id) => {
      const argName = bodyTable.take(outerName(id, forward));
      stream.names.set(id, argName);
      return { param: `${argName}: ${this.types.get(id)!.dtype === 'i32' ? 'Int32Array' : 'Float32Array'}`, arg: outerName(id, forward) };
    });
    const memoryArgs = outerMemory.map((id) => {
      const argName = memTable.take(outerName(id, memory));
      mem.names.set(id, argName);
      return { param: `${argName}: Float32Array`, arg: outerName(id, memory) };
    });

    const statements: Stmt[] = [];
    const memoryStatements: Stmt[] = [];
    for (const node of body.nodes) {
      if (node.op === 'carried') continue;
      if (this.phases.get(node.id) === 'memory') memoryStatements.push(...this.node(node, mem));
      else statements.push(...this.node(node, stream));
      if (node.op === 'attention' && this.phases.get(node.k) === 'memory') memoryStatements.push(...this.crossProjections(node, mem));
    }
    const results = body.results.map((id, i) => ({
      value: stream.names.get(id)!,
      // Two slots a result, by layer parity: a layer reads the last one's results while writing its own
      // (a layer that swaps two carried values would otherwise overwrite one before copying it).
      slot: 2_000_000 + region.id * 100 + 2 * i,
      width: dimValue(region.carried[i]!.type.shape[region.carried[i]!.type.shape.length - 1]!) ?? 1,
    }));
    statements.push({ partial: 'layer-return', results, single: results.length === 1 });
    const fusedStatements = fuseLinears(statements);
    const memoryFn = memoryStatements.length ? `${fn}_memory` : undefined;
    return {
      index,
      fn,
      ...(memoryFn ? { memoryFn } : {}),
      state: stateName,
      states,
      layers: `[${body.layers.join(', ')}]`,
      allLayers: body.layers.length === region.count,
      inits,
      params: ['i: number', 'R: number', 'past: number', ...params.map((p) => `${p}: Float32Array`), ...streamArgs.map((a) => a.param)].join(', '),
      returnType: params.length === 1 ? 'Float32Array' : `[${params.map(() => 'Float32Array').join(', ')}]`,
      call: (carried: readonly string[]) => `${fn}(${['i', 'R', 'past', ...carried, ...streamArgs.map((a) => a.arg)].join(', ')})`,
      memoryParams: ['i: number', 'S: number', ...memoryArgs.map((a) => a.param)].join(', '),
      memoryCall: memoryFn ? `${memoryFn}(${['i', 'S', ...memoryArgs.map((a) => a.arg)].join(', ')})` : '',
      statements: fusedStatements,
      memoryStatements,
    };
  }

  /** The statements computing one node. */
  private node(node: Node, scope: Scope): Stmt[] {
    const name = (id: ValueId) => scope.names.get(id) ?? (this.isInput(id) ? this.inputName(id) : `undefined /* %${id} */`);
    const t = node.type;
    const width = t.shape.length > 1 ? (dimValue(t.shape[t.shape.length - 1]!) ?? 0) : 1;
    const label = node.label ? node.label.split('.').pop()! : node.op;
    if (node.op === 'input') {
      // The tail may have named the input's last rows already (a model in which nothing mixes positions).
      if (!scope.names.has(node.id)) scope.names.set(node.id, node.role === 'tokens' ? 'tokens' : 'memory');
      return [];
    }
    if (node.op === 'carried') return [];
    const out = scope.table.take(node.label ? `${label}` : node.op);
    scope.names.set(node.id, out);
    const rows = scope.rows;
    const base = { out, slot: node.id, rows, width, shape: `[${rows}, ${width}]`, label };
    const inWidth = (id: ValueId) => {
      const s = this.types.get(id)!.shape;
      return dimValue(s[s.length - 1]!) ?? 0;
    };
    switch (node.op) {
      case 'positions':
        return [{ partial: 'positions', ...base, shape: `[${rows}]`, offset: node.offset, start: rows === 'R' ? 'past' : `past + R - ${rows}` }];
      case 'embedding':
        return [{ partial: 'embedding', ...base, ids: name(node.ids), table: scope.weight(node.weight) }];
      case 'sinusoidal':
        return [{ partial: 'sinusoidal', ...base, positions: name(node.positions), base: num(node.base) }];
      case 'linear':
        return [
          {
            partial: 'linear',
            ...base,
            x: name(node.x),
            inDim: inWidth(node.x),
            outDim: width,
            weight: scope.weight(node.weight),
            bias: node.bias ? scope.weight(node.bias) : '',
            comment: `${label}: [${rows}, ${inWidth(node.x)}] -> [${rows}, ${width}]`,
          },
        ];
      case 'layer_norm':
        return [
          {
            partial: 'layer-norm',
            ...base,
            x: name(node.x),
            weight: node.weight ? scope.weight(node.weight) : 'undefined',
            bias: node.bias ? scope.weight(node.bias) : 'undefined',
            eps: num(node.eps),
          },
        ];
      case 'rms_norm':
        return [
          { partial: 'rms-norm', ...base, x: name(node.x), weight: node.weight ? scope.weight(node.weight) : 'undefined', eps: num(node.eps), offset: num(node.offset) },
        ];
      case 'activation':
        return [{ partial: 'unary', ...base, kernel: ACTIVATION_KERNELS[node.fn]!, x: name(node.x), extra: '' }];
      case 'scale':
        return [{ partial: 'unary', ...base, kernel: 'scale', x: name(node.x), extra: `, ${num(node.factor)}` }];
      case 'softcap':
        return [{ partial: 'unary', ...base, kernel: 'softcap', x: name(node.x), extra: `, ${num(node.cap)}` }];
      case 'tanh_gate':
        // The scale kernel, by tanh of the learned scalar.
        return [{ partial: 'unary', ...base, kernel: 'scale', x: name(node.x), extra: `, Math.tanh(${scope.weight(node.weight)}[0]!)` }];
      case 'add':
      case 'sub':
      case 'mul':
        return [{ partial: 'binary', ...base, kernel: node.op, a: name(node.a), b: name(node.b) }];
      case 'attention':
        return this.attention(node, scope, base, name, inWidth);
    }
  }

  private attention(
    node: AttentionNode,
    scope: Scope,
    base: Record<string, unknown> & { out: string; rows: string },
    name: (id: ValueId) => string,
    inWidth: (id: ValueId) => number,
  ): Stmt[] {
    const cross = this.phases.get(node.k) === 'memory';
    const config = this.moduleNames.take(`${identifier((node.label ?? 'attention').replace(`.${LAYER_INDEX}.`, '_'))}_CONFIG`.toUpperCase());
    const maskCode = node.mask.kind === 'none' ? 0 : node.mask.kind === 'causal' ? 1 : 2;
    const window = node.mask.kind === 'sliding' ? node.mask.window : 0;
    this.configs.push({
      name: config,
      comment: `${node.label ?? 'attention'}: ${node.heads} heads × ${node.headDim}, ${node.kvHeads} key/value heads, ${node.mask.kind === 'sliding' ? `sliding window ${window}` : node.mask.kind} mask${node.rope ? `, rope θ=${node.rope.theta} on ${node.rope.dim} dims (${node.rope.layout})` : ''}${node.alibi ? ', ALiBi' : ''}`,
      value: `{ heads: ${node.heads}, kvHeads: ${node.kvHeads}, headDim: ${node.headDim}, mask: ${maskCode}, window: ${window}, scale: ${num(node.scale)}, softcap: ${num(node.softcap)}${node.alibi ? `, slopes: k.alibiSlopes(${node.heads})` : ''} }`,
    });
    const qWidth = node.heads * node.headDim;
    const kvWidth = node.kvHeads * node.headDim;
    const p = node.params;
    const cache = scope.cache(node, cross ? 'cross' : 'self');
    const o = this.types.get(node.id)!;
    const outWidth = dimValue(o.shape[o.shape.length - 1]!) ?? 0;
    return [
      {
        partial: 'attention',
        ...base,
        cross,
        config,
        q: scope.table.take(`${base.out}_q`),
        ctx: scope.table.take(`${base.out}_ctx`),
        qSlot: node.id * 4 + 1_000_000,
        ctxSlot: node.id * 4 + 1_000_001,
        scoreSlot: node.id * 4 + 1_000_002,
        xq: name(node.q),
        xk: name(node.k),
        xv: name(node.v),
        dq: inWidth(node.q),
        dk: inWidth(node.k),
        dv: inWidth(node.v),
        qWidth,
        kvWidth,
        outWidth,
        wq: scope.weight(p.q),
        bq: p.qBias ? scope.weight(p.qBias) : '',
        wk: scope.weight(p.k),
        bk: p.kBias ? scope.weight(p.kBias) : '',
        wv: scope.weight(p.v),
        bv: p.vBias ? scope.weight(p.vBias) : '',
        wo: scope.weight(p.o),
        bo: p.oBias ? scope.weight(p.oBias) : '',
        cache,
        // Self-attention projecting one input three times: one pass (k.linear3), the compiler's pick.
        fused: !cross && node.q === node.k && node.q === node.v,
        qkvBiases: p.qBias || p.kBias || p.vBias ? `, ${[p.qBias, p.kBias, p.vBias].map((b) => (b ? scope.weight(b) : 'undefined')).join(', ')}` : '',
        heads: node.heads,
        kvHeads: node.kvHeads,
        headDim: node.headDim,
        rope: node.rope ? { dim: node.rope.dim, theta: num(node.rope.theta), layout: node.rope.layout } : false,
        keyCount: cross ? 'memoryLength' : `past + ${base.rows}`,
        comment: `${base['label']}: ${cross ? 'cross' : 'self'}-attention, [${base.rows}, ${inWidth(node.q)}] -> [${base.rows}, ${outWidth}]`,
      },
    ];
  }

  /** Cross-attention keys and values, computed once per memory. */
  private crossProjections(node: AttentionNode, scope: Scope): Stmt[] {
    const p = node.params;
    const inWidth = (id: ValueId) => {
      const s = this.types.get(id)!.shape;
      return dimValue(s[s.length - 1]!) ?? 0;
    };
    const name = (id: ValueId) => scope.names.get(id) ?? (this.isInput(id) ? this.inputName(id) : `undefined /* %${id} */`);
    return [
      {
        partial: 'cross-kv',
        cache: scope.cache(node, 'cross'),
        label: node.label?.split('.').pop() ?? 'attention',
        xk: name(node.k),
        xv: name(node.v),
        dk: inWidth(node.k),
        dv: inWidth(node.v),
        kvWidth: node.kvHeads * node.headDim,
        wk: scope.weight(p.k),
        bk: p.kBias ? scope.weight(p.kBias) : '',
        wv: scope.weight(p.v),
        bv: p.vBias ? scope.weight(p.vBias) : '',
      },
    ];
  }

  private isInput(id: ValueId): boolean {
    return this.graph.items.some((i) => i.op === 'input' && i.id === id);
  }

  private inputName(id: ValueId): string {
    const input = this.graph.items.find((i) => i.op === 'input' && i.id === id);
    return input && input.op === 'input' && input.role === 'memory' ? 'memory' : 'tokens';
  }
}

/** Names of the parameters used as the weight of a linear map (the projections of attention included). */
function matrixParams(graph: Graph): Set<string> {
  const names = new Set<string>();
  const visit = (node: Node) => {
    if (node.op === 'linear') names.add(node.weight);
    if (node.op === 'attention') for (const p of [node.params.q, node.params.k, node.params.v, node.params.o]) names.add(p);
  };
  for (const item of graph.items) {
    if (item.op === 'repeat') for (const body of item.bodies) body.nodes.forEach(visit);
    else visit(item);
  }
  return names;
}

/** Names of the biases of linear maps (the projections of attention included). */
function biasParams(graph: Graph): Set<string> {
  const names = new Set<string>();
  const visit = (node: Node) => {
    if (node.op === 'linear' && node.bias) names.add(node.bias);
    if (node.op === 'attention') for (const b of [node.params.qBias, node.params.kBias, node.params.vBias, node.params.oBias]) if (b) names.add(b);
  };
  for (const item of graph.items) {
    if (item.op === 'repeat') for (const body of item.bodies) body.nodes.forEach(visit);
    else visit(item);
  }
  return names;
}

/** Index of the last top-level item that mixes positions (a region or an attention), or -1. */
function lastMixingIndex(items: readonly Item[]): number {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.op === 'repeat' || items[i]!.op === 'attention') return i;
  return -1;
}

function memoryLengthBound(graph: Graph, dim: ReadonlyMap<string, number>): number | undefined {
  const sym = [...dim.keys()][0];
  return graph.symbols.find((s) => s.name === sym)?.bound;
}

function initText(init: Graph['params'][number]['init']): string {
  return init.kind === 'normal' ? `{ kind: "normal", std: ${init.std} }` : `{ kind: "${init.kind}" }`;
}

/** A number as TypeScript source (keeps full precision). */
function num(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(x);
}
