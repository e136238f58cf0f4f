// The formatter: one canonical layout for a .tdl file, keeping comments and single blank lines.
import type * as A from '../ast/nodes.js';
import type { Span } from '../span.js';
import { flat, layout, LINE_WIDTH, quote } from './expr.js';
import { matchingBrace, openBraceAfter } from './source-scan.js';

const INDENT = '  ';
/** Mapping rules align their `<-` up to this column. */
const MAX_ALIGN = 56;

/**
 * Formats a parsed file. `text` is the source the AST came from; with it, comments and blank
 * lines between declarations are kept (without it, only the AST is printed).
 */
export function format(file: A.FileNode, text?: string): string {
  const printer = new Printer(file.comments, text);
  printer.items(file.items, '', (item) => printer.topLevel(item));
  printer.flushComments(Infinity, '');
  return printer.result();
}

class Printer {
  private readonly out: string[] = [];
  private next = 0;
  private lastEnd = -1;

  constructor(
    private readonly comments: readonly A.CommentToken[],
    private readonly text: string | undefined,
  ) {}

  result(): string {
    return this.out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
  }

  private line(s: string) {
    this.out.push(s);
  }

  /**
   * Prints comments that start before `offset`; one on the line where the last item ended trails it,
   * unless `ownLines`.
   */
  flushComments(offset: number, indent: string, ownLines = false) {
    while (this.next < this.comments.length && this.comments[this.next]!.span.offset < offset) {
      const c = this.comments[this.next++]!;
      const trails = !ownLines && this.text && this.lastEnd >= 0 && this.out.length > 0 && !this.text.slice(this.lastEnd, c.span.offset).includes('\n');
      if (trails) {
        this.out[this.out.length - 1] += '  ' + c.text.trimEnd();
      } else {
        if (this.blankBefore(c.span.offset)) this.line('');
        this.line(indent + c.text.trimEnd());
      }
      this.lastEnd = c.span.offset + c.span.length;
    }
  }

  /** Whether the source had a blank line just before `offset` (after the previous item or comment). */
  private blankBefore(offset: number): boolean {
    if (!this.text || this.lastEnd < 0) return false;
    const gap = this.text.slice(this.lastEnd, offset);
    return /\n[ \t\r]*\n/.test(gap) && this.out.length > 0 && !this.out[this.out.length - 1]!.endsWith('{');
  }

  /**
   * Prints a list of items, each preceded by its comments and (if the source had one) a blank line.
   * Comments inside a one-line item's expression (a call broken over lines) go on lines above it.
   */
  items<T extends { span: Span; doc?: string; kind?: string }>(list: readonly T[], indent: string, print: (item: T, indent: string) => void) {
    for (const item of list) {
      this.flushComments(item.span.offset, indent);
      if (this.blankBefore(item.span.offset)) this.line('');
      if (!item.kind || !HAS_BODY.has(item.kind)) this.flushComments(item.span.offset + item.span.length, indent, true);
      if (item.doc !== undefined) for (const d of item.doc.split('\n')) this.line(indent + ('## ' + d).trimEnd());
      print(item, indent);
      this.lastEnd = item.span.offset + item.span.length;
    }
  }

  /** After printing a header that ends in `{`: the `{` found after `from` in the source, so a comment beside it stays there. */
  private opened(from: number): number {
    if (!this.text) return -1;
    const brace = openBraceAfter(this.text, from);
    if (brace >= 0) this.lastEnd = brace + 1;
    return brace;
  }

  /** Closes a `{ … }` whose source span is `span`: comments inside it come before the brace. */
  private close(span: Span, indent: string) {
    this.flushComments(span.offset + span.length - 1, indent + INDENT);
    this.line(indent + '}');
  }

  topLevel(item: A.ModelDecl | A.BlockDecl) {
    if (item.kind === 'Model') this.model(item);
    else this.block(item, '');
  }

  private model(m: A.ModelDecl) {
    this.line(`model ${m.name.name} {`);
    this.opened(end(m.name.span));
    this.items(m.items, INDENT, (item, indent) => this.modelItem(item, indent));
    this.close(m.span, '');
  }

  private modelItem(item: A.ModelItem, indent: string) {
    switch (item.kind) {
      case 'Input':
        return this.line(`${indent}input ${item.name.name}: ${item.dtype.name}[${item.dims.map(dim).join(', ')}]`);
      case 'Output': {
        const head = `${indent}output ${item.name.name} = `;
        return this.line(head + layout(item.value, head.length, indent));
      }
      case 'Block':
        return this.block(item, indent);
      case 'Checkpoint':
        return this.checkpoint(item, indent);
      case 'Config':
        return this.config(item, indent);
      case 'Preset':
        return this.preset(item, indent);
      case 'Claim': {
        const head = `${indent}claim `;
        return this.line(head + layout(item.claim, head.length, indent));
      }
      default:
        return this.statement(item, indent);
    }
  }

  private block(b: A.BlockDecl, indent: string) {
    const params = b.params.map((p) => (p.default ? `${p.name.name} = ${flat(p.default)}` : p.name.name));
    this.line(`${indent}block ${b.name.name}(${params.join(', ')}) {`);
    this.opened(end(b.name.span));
    const inner = indent + INDENT;
    this.items(b.body, inner, (s, i) => this.statement(s, i));
    this.flushComments(b.result.span.offset, inner);
    this.flushComments(end(b.result.span), inner, true);
    const head = `${inner}return `;
    this.line(head + layout(b.result, head.length, inner));
    this.lastEnd = b.result.span.offset + b.result.span.length;
    this.close(b.span, indent);
  }

  statement(s: A.Statement, indent: string): void {
    switch (s.kind) {
      case 'Const':
        return this.constDecl(s, indent);
      case 'Assign': {
        const head = `${indent}${s.target.name} = `;
        return this.line(head + layout(s.value, head.length, indent));
      }
      case 'Repeat': {
        const label = s.label ? `${s.label.name}: ` : '';
        this.line(`${indent}${label}repeat ${flat(s.count)} as ${s.index.name} {`);
        this.opened(end(s.index.span));
        this.items(s.body, indent + INDENT, (st, i) => this.statement(st, i));
        return this.close(s.span, indent);
      }
      case 'If':
        return this.ifStmt(s, indent, `${indent}if`);
    }
  }

  private ifStmt(s: A.IfStmt, indent: string, head: string): void {
    this.line(`${head} ${flat(s.cond)} {`);
    const thenOpen = this.opened(end(s.cond.span));
    this.items(s.then, indent + INDENT, (st, i) => this.statement(st, i));
    const elseBranch = s.else;
    if (!elseBranch) return this.close(s.span, indent);
    const thenClose = this.text && thenOpen >= 0 ? matchingBrace(this.text, thenOpen) : -1;
    const firstElse = elseBranch[0];
    const elseStarts = thenClose >= 0 ? thenClose : firstElse ? firstElse.span.offset : end(s.span) - 1;
    this.flushComments(elseStarts, indent + INDENT);
    if (elseBranch.length === 1 && firstElse!.kind === 'If' && firstElse!.doc === undefined) {
      return this.ifStmt(firstElse as A.IfStmt, indent, `${indent}} else if`);
    }
    this.line(`${indent}} else {`);
    if (thenClose >= 0) this.opened(thenClose + 1);
    this.items(elseBranch, indent + INDENT, (st, i) => this.statement(st, i));
    this.close(s.span, indent);
  }

  private constDecl(c: A.ConstDecl, indent: string) {
    this.line(fill(indent, 'const ', c.bindings.map((b) => `${b.name.name} = ${flat(b.value)}`)));
  }

  private checkpoint(c: A.CheckpointDecl, indent: string) {
    this.line(`${indent}checkpoint ${c.name.name} {`);
    this.opened(end(c.name.span));
    this.rules(c, indent);
  }

  private config(c: A.ConfigDecl, indent: string) {
    const claims = c.claims.length ? `(${c.claims.map((a) => (a.name ? `${a.name.name} = ` : '') + flat(a.value)).join(', ')})` : '';
    this.line(`${indent}config ${c.name.name}${claims} {`);
    this.opened(c.claims.length ? end(c.claims[c.claims.length - 1]!.span) : end(c.name.span));
    this.rules(c, indent);
  }

  private preset(p: A.PresetDecl, indent: string) {
    const head = `preset ${quote(p.name.value)}`;
    const bindings = p.bindings.map((b) => `${b.name.name} = ${flat(b.value)}`);
    this.line(fill(indent, bindings.length ? `${head}: ` : head, bindings));
  }

  /** The mapping rules of a checkpoint or config section, their arrows aligned, and its closing brace. */
  private rules(c: A.CheckpointDecl | A.ConfigDecl, indent: string) {
    const inner = indent + INDENT;
    const targets = c.rules.map((r) => pattern(r.target));
    const width = Math.min(MAX_ALIGN, Math.max(0, ...targets.map((t) => t.length)));
    this.items(c.rules, inner, (r) => {
      const target = pattern(r.target);
      const source = r.source.kind === 'String' ? quote(r.source.value) : flat(r.source);
      const transforms = r.transforms.map((tr) => ` | ${tr.name.name}` + (tr.args.length ? `(${tr.args.map((a) => (a.name ? `${a.name.name} = ` : '') + flat(a.value)).join(', ')})` : ''));
      this.line(`${inner}${target.padEnd(width)} <- ${source}${transforms.join('')}`);
    });
    this.close(c.span, indent);
  }
}

/** Items with a body of their own, whose comments the body places. */
const HAS_BODY = new Set(['Model', 'Block', 'Repeat', 'If', 'Checkpoint', 'Config']);

/**
 * `head` and the comma-separated `items` on one line, or, when too long, lines filled with items
 * continuing under the first one (`const a = 1, b = 2,` / `      c = 3`).
 */
function fill(indent: string, head: string, items: readonly string[]): string {
  const one = `${indent}${head}${items.join(', ')}`;
  if (one.length <= LINE_WIDTH || items.length === 0) return one;
  const cont = indent + ' '.repeat(head.length);
  const lines: string[] = [];
  let current = `${indent}${head}${items[0]}`;
  for (const b of items.slice(1)) {
    if (current.length + 2 + b.length + 1 > LINE_WIDTH) {
      lines.push(current + ',');
      current = cont + b;
    } else current += `, ${b}`;
  }
  lines.push(current);
  return lines.join('\n');
}

function end(span: Span): number {
  return span.offset + span.length;
}

function dim(d: A.DimDecl): string {
  return arithmetic(d.size) + (d.bound ? ` <= ${arithmetic(d.bound)}` : '');
}

const ARITHMETIC = new Set<A.BinaryOp>(['+', '-', '*', '/', '%']);

/** A dimension's size or bound: only arithmetic may stand bare there, anything else is parenthesised. */
function arithmetic(e: A.Expr): string {
  const bare = e.kind === 'IfExpr' || (e.kind === 'Binary' && !ARITHMETIC.has(e.op));
  return bare ? `(${flat(e)})` : flat(e);
}

function pattern(p: A.ParamPattern): string {
  return p.segments
    .map((s) => {
      switch (s.kind) {
        case 'Name':
          return s.name;
        case 'Index':
          return String(s.value);
        case 'Bind':
          return `{${s.name}}`;
        case 'Alt':
          return `(${s.names.map((n) => n.name).join(', ')})`;
      }
    })
    .join('.');
}
