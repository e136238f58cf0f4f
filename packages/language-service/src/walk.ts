// Walking a parsed file's syntax: every statement and expression, in source order.
import type { BlockDecl, Expr, FileNode, ModelItem, Statement } from '@tdl/dsl';

export type Visit = {
  statement?(s: ModelItem | Statement): void;
  expr?(e: Expr): void;
};

export function walkFile(file: FileNode, visit: Visit) {
  for (const item of file.items) {
    if (item.kind === 'Model') walkItems(item.items, visit);
    else walkBlock(item, visit);
  }
}

function walkBlock(b: BlockDecl, visit: Visit) {
  visit.statement?.(b);
  for (const p of b.params) if (p.default) walkExpr(p.default, visit);
  walkItems(b.body, visit);
  walkExpr(b.result, visit);
}

function walkItems(items: readonly (ModelItem | Statement)[], visit: Visit) {
  for (const item of items) walkItem(item, visit);
}

function walkItem(item: ModelItem | Statement, visit: Visit) {
  switch (item.kind) {
    case 'Block':
      return walkBlock(item, visit);
    case 'Const':
      visit.statement?.(item);
      for (const b of item.bindings) walkExpr(b.value, visit);
      return;
    case 'Input':
      visit.statement?.(item);
      for (const d of item.dims) {
        walkExpr(d.size, visit);
        if (d.bound) walkExpr(d.bound, visit);
      }
      return;
    case 'Output':
    case 'Assign':
      visit.statement?.(item);
      return walkExpr(item.value, visit);
    case 'Repeat':
      visit.statement?.(item);
      walkExpr(item.count, visit);
      return walkItems(item.body, visit);
    case 'If':
      visit.statement?.(item);
      walkExpr(item.cond, visit);
      walkItems(item.then, visit);
      return walkItems(item.else ?? [], visit);
    case 'Checkpoint':
    case 'Config':
      visit.statement?.(item);
      if (item.kind === 'Config') for (const claim of item.claims) walkExpr(claim.value, visit);
      for (const rule of item.rules) if (rule.source.kind === 'Call') walkExpr(rule.source, visit);
      return;
    case 'Claim':
      visit.statement?.(item);
      return walkExpr(item.claim, visit);
    case 'Preset':
      visit.statement?.(item);
      for (const b of item.bindings) walkExpr(b.value, visit);
      return;
    default:
      return unknownItem(item);
  }
}

function unknownItem(item: never): never {
  throw new Error(`internal error: the language service does not know the item ${(item as { kind: string }).kind}`);
}

export function walkExpr(e: Expr, visit: Visit) {
  visit.expr?.(e);
  switch (e.kind) {
    case 'Number':
    case 'String':
    case 'Name':
      return;
    case 'Call':
      for (const a of e.args) walkExpr(a.value, visit);
      return;
    case 'Binary':
      walkExpr(e.left, visit);
      return walkExpr(e.right, visit);
    case 'Unary':
      return walkExpr(e.operand, visit);
    case 'IfExpr':
      walkExpr(e.cond, visit);
      walkExpr(e.then, visit);
      return walkExpr(e.else, visit);
    case 'List':
      for (const i of e.items) walkExpr(i, visit);
      return;
    default:
      return unknownExpr(e);
  }
}

function unknownExpr(e: never): never {
  throw new Error(`internal error: the language service does not know the expression ${(e as { kind: string }).kind}`);
}
