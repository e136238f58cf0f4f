// Lowers one model declaration to an IR graph: constants (with --set overrides), inputs, statements,
// outputs, and the full list of parameters.
import { diagnostic, type CheckpointDecl, type Diagnostic, type FileNode, type InputDecl, type ModelDecl } from '@tdl/dsl';
import { constDim, type Dim } from '../ir/dim.js';
import { describeWhole, inexactWhole } from '../ir/limits.js';
import type { Graph, GraphOutput, ParamInfo, TensorType } from '../ir/nodes.js';
import type { PossibleParam } from '../checkpoint/pattern.js';
import { lowerBlockCall } from './blocks.js';
import { lowerExpr } from './expressions.js';
import { LAYER_INDEX, Lowerer } from './lowerer.js';
import { PRELUDE_FILE, PRELUDE_SOURCE, preludeBlocks } from './prelude.js';
import { Scope } from './scope.js';
import { lowerStatements } from './statements.js';
import { describeKind, type Value } from './values.js';
import type { ValueSpan } from './value-spans.js';

/**
 * A constant's value given from outside the file (`--set`, a preset, config.json): a number, a string
 * (`rope_type = "llama3"`) or a list of numbers (LongRoPE's `short_factor`). It must be of the kind the
 * file's own value is.
 */
export type ConstantValue = number | string | readonly number[];

export interface LowerOptions {
  /** Constant overrides (`--set d=1024`), applied where the model defines the constant. */
  readonly overrides?: Readonly<Record<string, ConstantValue>>;
  /** The text of the model's file, so IR nodes can record their arguments as the user wrote them. */
  readonly sourceText?: string;
}

export interface LowerResult {
  readonly graph?: Graph;
  readonly checkpoints: readonly CheckpointDecl[];
  /** Parameter paths some layer of a repeat could have (`h.{i}.xattn.q.weight`), for checkpoint mappings. */
  readonly possibleLayerParams: readonly PossibleParam[];
  readonly diagnostics: readonly Diagnostic[];
  /** What the file's expressions evaluated to, by span, for editors. */
  readonly valueSpans: readonly ValueSpan[];
}

export function lowerModel(file: FileNode, model: ModelDecl, options: LowerOptions = {}): LowerResult {
  const lw = new Lowerer({ lowerExpr, lowerStatements, lowerBlockCall });
  lw.sources.set(PRELUDE_FILE, PRELUDE_SOURCE);
  lw.userFile = model.span.file;
  if (options.sourceText !== undefined) lw.sources.set(model.span.file, options.sourceText);
  const root = new Scope();
  const modelScope = new Scope(root);
  for (const b of preludeBlocks()) lw.blocks.set(b.name.name, { decl: b, scope: root });
  for (const item of file.items) if (item.kind === 'Block') lw.blocks.set(item.name.name, { decl: item, scope: root });
  for (const item of model.items) if (item.kind === 'Block') lw.blocks.set(item.name.name, { decl: item, scope: modelScope });

  const overrides = new Map(Object.entries(options.overrides ?? {}));
  const consts: Record<string, number> = {};
  const outputs: GraphOutput[] = [];
  const checkpoints: CheckpointDecl[] = [];

  for (const item of model.items) {
    switch (item.kind) {
      case 'Block':
        break;
      case 'Checkpoint':
        checkpoints.push(item);
        break;
      // Config sections and presets choose constants before lowering; checkSettings checks them.
      case 'Config':
      case 'Preset':
        break;
      case 'Claim':
        break; // read by readExpectations, after lowering
      case 'Input':
        lowerInput(lw, item, modelScope);
        break;
      case 'Output': {
        const mark = lw.valueMark();
        const v = lowerExpr(lw, item.value, modelScope);
        lw.recordValue(item.name.span, v, mark);
        if (v.kind === 'tensor') outputs.push({ name: item.name.name, value: v.id, span: item.span });
        else if (v.kind !== 'error') lw.error('E0206', item.value.span, 'an output must be a tensor', `this is ${describeKind(v)}`);
        break;
      }
      case 'Const':
        for (const b of item.bindings) {
          const name = b.name.name;
          if (modelScope.own(name)) {
            lw.error('E0207', b.name.span, `'${name}' is already defined`, undefined, [{ message: 'first defined here', span: modelScope.own(name)!.span }]);
            continue;
          }
          const given = overrides.get(name);
          overrides.delete(name);
          const own = () => lowerExpr(lw, b.value, modelScope);
          const value = given === undefined ? own() : overrideValue(lw, model, name, given, own);
          modelScope.define(name, value, b.name.span, false);
          lw.recordValue(b.name.span, value, { id: lw.ids.mark(), params: lw.list.params.length });
          if (value.kind === 'number') consts[name] = value.value;
        }
        break;
      default:
        lowerStatements(lw, [item], modelScope);
    }
  }

  for (const name of overrides.keys()) {
    lw.diagnostics.push(
      diagnostic('E0213', model.name.span, `--set ${name}: model '${model.name.name}' has no constant '${name}'`, {
        notes: [{ message: `its constants are ${Object.keys(consts).join(', ') || 'none'}` }],
      }),
    );
  }
  for (const [name, b] of modelScope.ownBindings()) {
    if (!b.used && !b.mutable && !name.startsWith('_')) {
      lw.diagnostics.push(diagnostic('W0403', b.span, `constant '${name}' is never used`, { label: 'prefix it with _ to silence this' }));
    }
  }
  if (!model.items.some((i) => i.kind === 'Input' && i.dtype.name === 'i32')) {
    lw.error('E0204', model.name.span, `model '${model.name.name}' has no token input`, 'declare one: `input tokens: i32[T <= context]`');
  }

  const graph: Graph = {
    name: model.name.name,
    ...(model.doc !== undefined ? { doc: model.doc } : {}),
    file: model.span.file,
    consts,
    symbols: lw.symbols,
    items: lw.top.items,
    outputs,
    params: expandParams(lw),
  };
  return { graph, checkpoints, possibleLayerParams: lw.possibleLayerParams, diagnostics: dedupe(lw.diagnostics), valueSpans: lw.valueSpans };
}

/** The value `--set name=given` gives, or the file's own (`own`) after one error for the flag. */
function overrideValue(lw: Lowerer, model: ModelDecl, name: string, given: ConstantValue, lowerOwn: () => Value): Value {
  const refuse = (problem: string, value: Value): Value => {
    // One error for the flag, and the model's own value, so uses of the constant add none.
    lw.diagnostics.push(diagnostic('E0213', model.name.span, `--set ${name}=${showConstant(given)}: ${problem}`, { label: `'${name}' keeps its value from the file` }));
    return value;
  };
  if (typeof given === 'number') {
    // A number is taken without lowering the file's value (as --set always has).
    const inexact = inexactWhole(given);
    return inexact ? refuse(inexact, lowerOwn()) : { kind: 'number', value: given, isInteger: Number.isInteger(given) };
  }
  const own = lowerOwn();
  if (typeof given === 'string') {
    return own.kind === 'string' || own.kind === 'error' ? { kind: 'string', value: given } : refuse(`the file's '${name}' is ${describeKind(own)}, not a string`, own);
  }
  if (own.kind !== 'list' && own.kind !== 'error') return refuse(`the file's '${name}' is ${describeKind(own)}, not a list`, own);
  return { kind: 'list', items: given.map((v) => ({ kind: 'number', value: v, isInteger: Number.isInteger(v) })) };
}

function showConstant(v: ConstantValue): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function lowerInput(lw: Lowerer, input: InputDecl, scope: Scope) {
  const dtype = input.dtype.name;
  if (dtype !== 'i32' && dtype !== 'f32') {
    lw.error('E0206', input.dtype.span, `inputs are i32 (token ids) or f32 (a memory), not '${dtype}'`);
    return;
  }
  const role = dtype === 'i32' ? 'tokens' : 'memory';
  const wantRank = role === 'tokens' ? 1 : 2;
  if (input.dims.length !== wantRank) {
    lw.error('E0215', input.span, role === 'tokens' ? 'token ids are a vector: `i32[T <= context]`' : 'a memory is a matrix: `f32[S, width]`');
    return;
  }
  if (role === 'tokens' && lw.top.items.some((n) => n.op === 'input' && n.role === 'tokens')) {
    lw.error('E0215', input.span, 'a model has one token input');
    return;
  }
  const shape: Dim[] = [];
  input.dims.forEach((d, axis) => {
    const symbolic = axis === 0;
    const size = d.size;
    if (size.kind === 'Name' && symbolic && !scope.lookup(size.name)) {
      const name = size.name;
      let bound: number | undefined;
      if (d.bound) {
        const b = lowerExpr(lw, d.bound, scope);
        if (b.kind === 'number' && inexactWhole(b.value)) lw.error('E0214', d.bound.span, `a length bound of ${describeWhole(b.value)} is too large`, inexactWhole(b.value));
        else if (b.kind === 'number' && Number.isInteger(b.value) && b.value > 0) bound = b.value;
        else if (b.kind !== 'error') lw.error('E0209', d.bound.span, 'a length bound must be a positive integer', `this is ${describeKind(b)}`);
      } else if (role === 'tokens') {
        lw.error('E0204', d.span, 'the token length needs a context bound', `write \`${name} <= context\``);
      }
      const existing = lw.symbols.find((s) => s.name === name);
      if (!existing) lw.symbols.push({ name, ...(bound !== undefined ? { bound } : {}), span: d.span });
      shape.push(new Map([[name, 1]]));
      return;
    }
    const v = lowerExpr(lw, d.size, scope);
    if (v.kind === 'number' && inexactWhole(v.value)) lw.error('E0214', d.size.span, `a width of ${describeWhole(v.value)} is too large`, inexactWhole(v.value));
    else if (v.kind === 'number' && Number.isInteger(v.value) && v.value > 0) shape.push(constDim(v.value));
    else if (v.kind !== 'error') lw.error('E0209', d.size.span, symbolic ? 'expected a length symbol such as T or S' : 'a width must be a positive integer', `this is ${describeKind(v)}`);
  });
  if (shape.length !== input.dims.length) return;
  const type: TensorType = { dtype, shape };
  const mark = lw.valueMark();
  const v = lw.emit({ op: 'input', name: input.name.name, role, span: input.span, argSpans: {} }, type);
  lw.recordValue(input.name.span, v, mark);
  scope.define(input.name.name, v, input.name.span, true);
}

/** Every parameter with its full path, in creation order; a region's layers where the region sits. */
function expandParams(lw: Lowerer): ParamInfo[] {
  const out: ParamInfo[] = [];
  let next = 0;
  const topLevel = (upTo: number) => {
    for (; next < upTo; next++) {
      const p = lw.top.params[next]!;
      out.push({ ...p, component: p.name.split('.')[0]! });
    }
  };
  for (const item of lw.top.items) {
    if (item.op !== 'repeat') continue;
    topLevel(lw.paramsBeforeRegion.get(item) ?? next);
    for (const p of regionParams(item)) out.push(p); // one by one: a spread of many layers overflows the stack
  }
  topLevel(lw.top.params.length);
  return out;
}

function regionParams(r: Extract<Graph['items'][number], { op: 'repeat' }>): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (let i = 0; i < r.count; i++) {
    const body = r.bodies[r.bodyOfLayer[i]!]!;
    for (const p of body.params) {
      const relative = p.name.slice(r.label.length + LAYER_INDEX.length + 2);
      out.push({ ...p, name: p.name.replace(LAYER_INDEX, String(i)), component: `${r.label}.*.${relative.split('.')[0]}` });
    }
  }
  return out;
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}:${d.span.file}:${d.span.offset}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
