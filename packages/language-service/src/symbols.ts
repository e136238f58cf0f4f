// Document symbols: the model with its constants, inputs, layers (labelled calls, repeats), outputs,
// blocks and checkpoint sections, nested as the file nests them.
import type { Expr, FileNode, ModelItem, Statement } from '@tdl/dsl';
import { rangeOf, type Analysis, type Range } from './document.js';
import { walkExpr } from './walk.js';

export type SymbolKind = 'model' | 'constant' | 'input' | 'output' | 'layer' | 'repeat' | 'block' | 'checkpoint' | 'config' | 'preset';

export interface DocumentSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly detail?: string;
  /** The whole declaration. */
  readonly range: Range;
  /** Its name. */
  readonly selection: Range;
  readonly children: readonly DocumentSymbol[];
}

export function documentSymbols(doc: Analysis): DocumentSymbol[] {
  const ast: FileNode | undefined = doc.check.ast;
  if (!ast) return [];
  return ast.items.map((item) =>
    item.kind === 'Model'
      ? { name: item.name.name, kind: 'model', range: rangeOf(item.span), selection: rangeOf(item.name.span), children: items(item.items) }
      : itemSymbols(item)[0]!,
  );
}

function items(list: readonly (ModelItem | Statement)[]): DocumentSymbol[] {
  return list.flatMap(itemSymbols);
}

function itemSymbols(item: ModelItem | Statement): DocumentSymbol[] {
  switch (item.kind) {
    case 'Const':
      return item.bindings.map((b) => leaf(b.name.name, 'constant', rangeOf(b.span), rangeOf(b.name.span)));
    case 'Input':
      return [leaf(item.name.name, 'input', rangeOf(item.span), rangeOf(item.name.span))];
    case 'Output':
      return [{ ...leaf(item.name.name, 'output', rangeOf(item.span), rangeOf(item.name.span)), children: layers(item.value) }];
    case 'Assign':
      return layers(item.value);
    case 'Repeat': {
      const name = item.label?.name ?? 'layers';
      const selection = rangeOf(item.label?.span ?? item.span);
      const count = countText(item.count);
      return [{ name, kind: 'repeat', detail: `repeat ${count} as ${item.index.name}`, range: rangeOf(item.span), selection, children: items(item.body) }];
    }
    case 'If':
      return [...items(item.then), ...items(item.else ?? [])];
    case 'Block':
      return [{ name: item.name.name, kind: 'block', detail: `(${item.params.map((p) => p.name.name).join(', ')})`, range: rangeOf(item.span), selection: rangeOf(item.name.span), children: items(item.body) }];
    case 'Checkpoint':
      return [leaf(item.name.name, 'checkpoint', rangeOf(item.span), rangeOf(item.name.span))];
    case 'Config':
      return [leaf(item.name.name, 'config', rangeOf(item.span), rangeOf(item.name.span))];
    // A claim states a fact about the model; it declares nothing to jump to.
    case 'Claim':
      return [];
    case 'Preset':
      return [leaf(item.name.value, 'preset', rangeOf(item.span), rangeOf(item.name.span))];
    default:
      return unknown(item);
  }
}

function unknown(item: never): never {
  throw new Error(`internal error: no symbols for ${(item as { kind: string }).kind}`);
}

/** Labelled calls in an expression: each names a layer's parameters (`self_attn: attention(…)`). */
function layers(e: Expr): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  walkExpr(e, {
    expr(x) {
      if (x.kind === 'Call' && x.label) out.push({ ...leaf(x.label.name, 'layer', rangeOf(x.span), rangeOf(x.label.span)), detail: x.callee.name });
    },
  });
  return out;
}

function countText(e: Expr): string {
  return e.kind === 'Number' ? e.text : e.kind === 'Name' ? e.name : '…';
}

function leaf(name: string, kind: SymbolKind, range: Range, selection: Range): DocumentSymbol {
  return { name, kind, range, selection, children: [] };
}
