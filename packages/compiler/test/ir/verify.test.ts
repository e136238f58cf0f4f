// The IR verifier: it holds between the passes for every model in the repository, and it catches
// graphs broken by hand in each of the ways a faulty pass could break one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvariantError, NO_SPAN, hasErrors, parse, type ModelDecl } from '@tdl/dsl';
import { analyze, constDim, exportGraph, runChecks, symbolDim, verifyGraph, type Graph, type Node, type RepeatRegion } from '../../src/index.js';
import { lowerModel } from '../../src/lower/model.js';
import { ROOT } from '../models.js';

/** Freezes a graph all the way down, so a pass that writes to it throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

const modelFiles = [
  ...readdirSync(join(ROOT, 'models')).filter((f) => f.endsWith('.tdl')).map((f) => `models/${f}`),
  ...readdirSync(join(ROOT, 'models/errors')).filter((f) => f.endsWith('.tdl')).map((f) => `models/errors/${f}`),
];

describe('the verifier between passes', () => {
  it.each(modelFiles)('%s', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const { ast, diagnostics } = parse({ name: file, text });
    if (hasErrors(diagnostics)) return; // nothing to verify: the file does not parse
    const model = ast.items.find((i): i is ModelDecl => i.kind === 'Model')!;
    const lowered = lowerModel(ast, model, { sourceText: text });
    if (!lowered.graph) return;
    const graph = deepFreeze(lowered.graph);
    const snapshot = JSON.stringify(graph, (_k, v) => (v instanceof Map ? [...v] : v));
    // lower → verify → check → verify → analyze → verify → export → verify: every pass after
    // lowering only reads the graph (frozen, so a write would throw) and leaves it valid.
    verifyGraph(graph);
    runChecks(graph);
    verifyGraph(graph);
    if (!hasErrors(lowered.diagnostics) && !hasErrors(runChecks(graph))) {
      analyze(graph);
      verifyGraph(graph);
      exportGraph(graph, 'mermaid');
      verifyGraph(graph);
    }
    expect(JSON.stringify(graph, (_k, v) => (v instanceof Map ? [...v] : v))).toBe(snapshot);
  });
});

// A hand-made graph: tokens → embedding → one layer (linear back to the width, added) → head.
const T = symbolDim('T');
const f32 = (...shape: (typeof T)[]) => ({ dtype: 'f32' as const, shape });
const base = { span: NO_SPAN, argSpans: {} };

function validGraph(): Graph {
  const input: Node = { ...base, op: 'input', id: 1, name: 'tokens', role: 'tokens', type: { dtype: 'i32', shape: [T] } };
  const embed: Node = { ...base, op: 'embedding', id: 2, ids: 1, weight: 'wte.weight', type: f32(T, constDim(8)) };
  const carried: Node = { ...base, op: 'carried', id: 3, index: 0, type: f32(T, constDim(8)) };
  const proj: Node = { ...base, op: 'linear', id: 4, x: 3, weight: 'layers.{i}.proj.weight', type: f32(T, constDim(8)) };
  const add: Node = { ...base, op: 'add', id: 5, a: 3, b: 4, type: f32(T, constDim(8)) };
  const region: RepeatRegion = {
    op: 'repeat',
    id: 7,
    span: NO_SPAN,
    label: 'layers',
    count: 2,
    carried: [{ name: 'x', init: 2, type: f32(T, constDim(8)) }],
    bodies: [{ nodes: [carried, proj, add], results: [5], params: [{ name: 'layers.{i}.proj.weight', shape: [8, 8], init: { kind: 'zeros' }, span: NO_SPAN }], layers: [0, 1] }],
    bodyOfLayer: [0, 0],
    results: [6],
  };
  const head: Node = { ...base, op: 'linear', id: 8, x: 6, weight: 'head.weight', type: f32(T, constDim(10)) };
  return {
    name: 'hand',
    file: 'hand.tdl',
    consts: {},
    symbols: [{ name: 'T', bound: 16, span: NO_SPAN }],
    items: [input, embed, region, head],
    outputs: [{ name: 'logits', value: 8, span: NO_SPAN }],
    params: [
      { name: 'wte.weight', shape: [10, 8], init: { kind: 'zeros' }, span: NO_SPAN, component: 'wte' },
      { name: 'layers.0.proj.weight', shape: [8, 8], init: { kind: 'zeros' }, span: NO_SPAN, component: 'layers.*.proj' },
      { name: 'layers.1.proj.weight', shape: [8, 8], init: { kind: 'zeros' }, span: NO_SPAN, component: 'layers.*.proj' },
      { name: 'head.weight', shape: [10, 8], init: { kind: 'zeros' }, span: NO_SPAN, component: 'head' },
    ],
  };
}

/** A copy of the valid graph with one thing broken. */
function broken(edit: (g: { items: Graph['items'][number][]; outputs: Graph['outputs'][number][] }) => void): Graph {
  const g = structuredClone(validGraph()) as Graph & { items: Graph['items'][number][]; outputs: Graph['outputs'][number][] };
  edit(g);
  return g;
}

const region = (g: { items: Graph['items'][number][] }) => g.items[2] as RepeatRegion & { bodies: { nodes: Node[]; results: number[] }[]; bodyOfLayer: number[]; carried: { init: number }[] };

describe('the verifier on hand-broken graphs', () => {
  it('accepts the hand-made graph as it is', () => {
    expect(() => verifyGraph(validGraph())).not.toThrow();
    expect(runChecks(validGraph())).toEqual([]);
  });

  const cases: [string, (g: Parameters<Parameters<typeof broken>[0]>[0]) => void, RegExp][] = [
    ['a value read before it is defined', (g) => ((g.items[1] as { ids: number }).ids = 8), /node %2 \(embedding\) reads %8 before it is defined/],
    ['a value defined twice', (g) => ((g.items[3] as { id: number }).id = 2), /value %2 defined twice/],
    ['a type its shape rule does not give', (g) => ((g.items[3] as { type: unknown }).type = f32(T, constDim(11))), /node %8 \(linear\) has type f32\[T, 11\], its shape rule gives f32\[T, 10\]/],
    ['a length its shape rule does not give', (g) => ((g.items[1] as { type: unknown }).type = f32(symbolDim('S'), constDim(8))), /node %2 \(embedding\) has type f32\[S, 8\]/],
    ['an unknown parameter', (g) => ((g.items[3] as { weight: string }).weight = 'lm_head.weight'), /node %8 \(linear\) uses unknown parameter lm_head\.weight/],
    ['a carried value outside a region', (g) => g.items.splice(2, 0, { ...base, op: 'carried', id: 20, index: 0, type: f32(T, constDim(8)) }), /carried value %20 outside a region/],
    ['a layer map of the wrong length', (g) => region(g).bodyOfLayer.pop(), /region layers maps 1 layers, has 2/],
    ['a region carrying an undefined value', (g) => (region(g).carried[0]!.init = 99), /region layers carries undefined %99/],
    ['a layer body returning an undefined value', (g) => (region(g).bodies[0]!.results[0] = 42), /region layers returns undefined %42/],
    [
      'a layer body that changes a carried type',
      (g) => {
        // The projection, consistently typed [T, 10], becomes what the layer returns for x [T, 8].
        const proj = region(g).bodies[0]!.nodes[1] as { weight: string; type: unknown };
        proj.weight = 'wte.weight';
        proj.type = f32(T, constDim(10));
        region(g).bodies[0]!.results[0] = 4;
      },
      /region layers changes the type of x/,
    ],
    ['an output of an undefined value', (g) => (g.outputs[0] = { name: 'logits', value: 77, span: NO_SPAN }), /output logits reads undefined %77/],
    ['a region nested in a layer body', (g) => region(g).bodies[0]!.nodes.push(structuredClone(region(g)) as unknown as Node), /region 7 nested in a layer body/],
  ];

  it.each(cases)('catches %s', (_name, edit, message) => {
    const g = broken(edit);
    expect(() => verifyGraph(g)).toThrow(InvariantError);
    expect(() => verifyGraph(g)).toThrow(message);
  });

  it('says the failure is a compiler bug, naming the model', () => {
    const g = broken((x) => ((x.items[1] as { ids: number }).ids = 8));
    expect(() => verifyGraph(g)).toThrow(/^internal compiler error: IR of model 'hand': .* \(this is a bug in tdl, please report it\)$/);
  });
});
