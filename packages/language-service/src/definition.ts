// Go to definition: constants, inputs, variables, block parameters, blocks and labels, by name.
import type { Expr, FileNode, Ident, Span } from '@tdl/dsl';
import { holds, rangeOf, type Analysis, type Range } from './document.js';
import { walkFile } from './walk.js';

type DefKind = 'value' | 'block' | 'label';

interface Def {
  readonly name: string;
  readonly kind: DefKind;
  readonly span: Span;
  /** Where the name starts to mean this: after its whole statement for an assignment (`x = x + f(x)`). */
  readonly from: number;
}

export function definition(doc: Analysis, offset: number): Range | undefined {
  const ast = doc.check.ast;
  if (!ast) return undefined;
  const defs = definitions(ast);
  const use = referenceAt(ast, offset);
  if (!use) return undefined;
  const named = defs.filter((d) => d.name === use.name && use.kinds.includes(d.kind));
  if (!named.length) return undefined;
  // The nearest definition before the use (a variable is reassigned layer by layer), else the first.
  const before = named.filter((d) => d.from <= use.span.offset);
  const chosen = before.length ? before[before.length - 1]! : named[0]!;
  return rangeOf(chosen.span);
}

function definitions(ast: FileNode): Def[] {
  const defs: Def[] = [];
  const value = (i: Ident, from = i.span.offset) => defs.push({ name: i.name, kind: 'value', span: i.span, from });
  const other = (i: Ident, kind: DefKind) => defs.push({ name: i.name, kind, span: i.span, from: i.span.offset });
  walkFile(ast, {
    statement(s) {
      switch (s.kind) {
        case 'Const':
          return s.bindings.forEach((b) => value(b.name));
        case 'Input':
          return value(s.name);
        case 'Assign':
          return value(s.target, s.span.offset + s.span.length);
        case 'Repeat':
          value(s.index);
          if (s.label) other(s.label, 'label');
          return;
        case 'Block':
          other(s.name, 'block');
          return s.params.forEach((p) => value(p.name));
        default:
          return;
      }
    },
    expr(e) {
      if (e.kind === 'Call' && e.label) other(e.label, 'label');
    },
  });
  return defs.sort((a, b) => a.from - b.from);
}

interface Use {
  readonly name: string;
  readonly span: Span;
  readonly kinds: readonly DefKind[];
}

/** The name under the cursor and what it may refer to. */
function referenceAt(ast: FileNode, offset: number): Use | undefined {
  let use: Use | undefined;
  const name = (e: Expr) => {
    // A bare name is a value, else a label (`tied = embed_tokens`).
    if (e.kind === 'Name' && holds(e.span, offset)) use = { name: e.name, span: e.span, kinds: ['value', 'label'] };
    if (e.kind === 'Call' && holds(e.callee.span, offset)) use = { name: e.callee.name, span: e.callee.span, kinds: ['block'] };
  };
  walkFile(ast, {
    expr: name,
    statement(s) {
      if (s.kind !== 'Checkpoint') return;
      for (const rule of s.rules) {
        for (const seg of rule.target.segments) {
          if (seg.kind === 'Name' && holds(seg.span, offset)) use = { name: seg.name, span: seg.span, kinds: ['label'] };
        }
      }
    },
  });
  return use;
}
