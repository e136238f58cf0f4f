// Lowers statements: constants, assignments, compile-time `if`, and `repeat` regions.
import type { Repeat, Statement } from '@tdl/dsl';
import type { PossibleParam } from '../checkpoint/pattern.js';
import { NodeList } from '../ir/builder.js';
import type { LayerBody, RepeatRegion, TensorType, ValueId } from '../ir/nodes.js';
import { shapeToString } from '../ir/dim.js';
import { describeWhole, MAX_LAYERS } from '../ir/limits.js';
import { sameType } from '../ir/types.js';
import { lowerExpr } from './expressions.js';
import { groupLayers } from './group-layers.js';
import { LAYER_INDEX, type Lowerer } from './lowerer.js';
import { Scope } from './scope.js';
import { describeKind } from './values.js';

export function lowerStatements(lw: Lowerer, statements: readonly Statement[], scope: Scope) {
  for (const s of statements) lowerStatement(lw, s, scope);
}

function lowerStatement(lw: Lowerer, s: Statement, scope: Scope) {
  switch (s.kind) {
    case 'Const':
      for (const b of s.bindings) {
        const existing = scope.lookup(b.name.name);
        const mark = lw.valueMark();
        const value = lowerExpr(lw, b.value, scope);
        lw.recordValue(b.name.span, value, mark);
        if (existing && !existing.mutable) {
          lw.error('E0207', b.name.span, `'${b.name.name}' is already defined`, undefined, [{ message: 'first defined here', span: existing.span }]);
          continue;
        }
        scope.define(b.name.name, value, b.name.span, false);
      }
      return;
    case 'Assign': {
      const mark = lw.valueMark();
      const value = lowerExpr(lw, s.value, scope);
      lw.recordValue(s.target.span, value, mark);
      const existing = scope.lookup(s.target.name);
      if (existing && !existing.mutable) {
        lw.error('E0207', s.target.span, `'${s.target.name}' is a constant and cannot be assigned`, undefined, [
          { message: 'defined here', span: existing.span },
        ]);
        return;
      }
      scope.define(s.target.name, value, s.target.span, true);
      return;
    }
    case 'If': {
      const cond = lowerExpr(lw, s.cond, scope);
      if (lw.everyBranch) {
        lowerStatements(lw, s.then, scope);
        lowerStatements(lw, s.else ?? [], scope);
        return;
      }
      if (cond.kind === 'error') return;
      if (cond.kind !== 'bool') {
        lw.error('E0206', s.cond.span, 'a condition must be true or false', `this is ${describeKind(cond)}`);
        return;
      }
      lowerStatements(lw, cond.value ? s.then : (s.else ?? []), scope);
      return;
    }
    case 'Repeat':
      return lowerRepeat(lw, s, scope);
  }
}

/** Names assigned anywhere in a list of statements (through `if` branches). */
function assignedNames(statements: readonly Statement[], out = new Set<string>()): Set<string> {
  for (const s of statements) {
    if (s.kind === 'Assign') out.add(s.target.name);
    else if (s.kind === 'If') {
      assignedNames(s.then, out);
      assignedNames(s.else ?? [], out);
    }
  }
  return out;
}

function lowerRepeat(lw: Lowerer, r: Repeat, scope: Scope) {
  if (lw.layer) {
    lw.error('E0215', r.span, 'a repeat inside a repeat is not supported', 'write the inner layers out, or use a block');
    return;
  }
  const countValue = lowerExpr(lw, r.count, scope);
  if (countValue.kind === 'error') return;
  if (countValue.kind !== 'number' || !Number.isInteger(countValue.value) || countValue.value < 0) {
    lw.error('E0209', r.count.span, 'a repeat count must be a non-negative integer', `this is ${describeKind(countValue)}`);
    return;
  }
  const count = countValue.value;
  if (count > MAX_LAYERS) {
    lw.error('E0214', r.count.span, `a repeat of ${describeWhole(count)} layers is more than tdl lowers`, `at most ${MAX_LAYERS.toLocaleString('en-US')} layers, each lowered on its own`);
    return;
  }
  const label = lw.claimLabel(r.label ? { name: r.label.name, span: r.label.span } : undefined, 'layers');
  const carried = [...assignedNames(r.body)].flatMap((name) => {
    const b = scope.lookup(name);
    return b && b.value.kind === 'tensor' ? [{ name, init: b.value.id, type: b.value.type }] : [];
  });

  const instances: { body: NodeList; results: ValueId[] }[] = [];
  for (let i = 0; i < count; i++) {
    const { body, layerScope } = lowerLayer(lw, r, scope, label, carried, i);
    const results: ValueId[] = [];
    for (const c of carried) {
      const v = layerScope.own(c.name)?.value;
      if (v?.kind !== 'tensor') return; // an error inside the body was reported already
      if (!sameType(v.type, c.type)) {
        const where = body.node(v.id)?.span ?? r.span;
        lw.error('E0308', where, `layer ${i} changes the shape of '${c.name}'`, `this leaves '${c.name}' as ${shapeToString(v.type.shape)}`, [
          { message: `'${c.name}' enters the layer as ${shapeToString(c.type.shape)}, and the next layer starts from what this one leaves` },
        ]);
        return;
      }
      results.push(v.id);
    }
    instances.push({ body, results });
  }
  lw.possibleLayerParams.push(...possibleLayerParams(lw, r, scope, label, carried, count));

  const { bodies, bodyOfLayer } = groupLayers(instances);
  const regionResults = carried.map((c) => {
    const id = lw.ids.take();
    lw.setType(id, c.type);
    scope.define(c.name, { kind: 'tensor', id, type: c.type }, r.span, true).used = true;
    return id;
  });
  const region: RepeatRegion = {
    op: 'repeat',
    id: lw.ids.take(),
    span: r.span,
    label,
    count,
    carried,
    bodies: bodies as LayerBody[],
    bodyOfLayer,
    results: regionResults,
  };
  lw.paramsBeforeRegion.set(region, lw.top.params.length);
  lw.top.addItem(region);
}

type Carried = { readonly name: string; readonly init: ValueId; readonly type: TensorType };

/** Lowers layer `index` of `r` into a list of its own; the scope holds what the layer leaves in its variables. */
function lowerLayer(lw: Lowerer, r: Repeat, scope: Scope, label: string, carried: readonly Carried[], index: number) {
  const body = new NodeList(lw.ids, lw.top);
  lw.list = body;
  lw.layer = { prefix: `${label}.${LAYER_INDEX}`, index };
  const layerScope = new Scope(scope);
  layerScope.define(r.index.name, { kind: 'number', value: index, isInteger: true }, r.index.span, false).used = true;
  carried.forEach((c, i) => {
    const v = lw.emit({ op: 'carried', index: i, span: r.span, argSpans: {} }, c.type);
    layerScope.define(c.name, v, r.span, true).used = true;
  });
  try {
    lowerStatements(lw, r.body, layerScope);
  } finally {
    lw.list = lw.top;
    lw.layer = undefined;
  }
  return { body, layerScope };
}

/**
 * The parameter paths a layer of `r` can have whichever way its `if`s go (`h.{i}.xattn.q.weight`):
 * one more layer is lowered taking every branch, and what it reports is dropped. A checkpoint mapping
 * to one of these paths that no layer has is then no mistake: the repeat has zero layers, or fewer
 * than the first that has it (cross-attention every fourth layer, in a model of two).
 */
function possibleLayerParams(lw: Lowerer, r: Repeat, scope: Scope, label: string, carried: readonly Carried[], layers: number): PossibleParam[] {
  const reported = lw.diagnostics.length;
  const ids = lw.ids.mark();
  lw.everyBranch = true;
  try {
    return lowerLayer(lw, r, scope, label, carried, 0).body.params.map((p) => ({ path: p.name, layers }));
  } finally {
    // Nothing of this layer stays: not its reports, nor the ids it took (generated code numbers by them).
    lw.everyBranch = false;
    lw.diagnostics.splice(reported);
    lw.ids.rewind(ids);
  }
}
