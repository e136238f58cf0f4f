// The CST visitor: turns chevrotain's concrete syntax tree into the typed AST, with spans and doc comments.
import type { CstNode, IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile, Span } from '../span.js';
import { describeToken, keywordHint } from '../syntax/messages.js';
import { tdlParser } from '../syntax/parser.js';
import type * as A from './nodes.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const BaseVisitor = tdlParser.getBaseCstVisitorConstructorWithDefaults();

function isToken(x: CstNode | IToken | undefined): x is IToken {
  return x !== undefined && (x as IToken).image !== undefined;
}

/** Builds the AST of one parsed file. Tolerates the partial trees error recovery leaves behind. */
export class AstBuilder extends BaseVisitor {
  private readonly docTokens: IToken[];
  private readonly usedDocs = new Set<IToken>();
  /** Syntax errors the grammar lets through on purpose (a misspelt `model`), found while building. */
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly source: SourceFile,
    private readonly comments: IToken[],
  ) {
    super();
    this.docTokens = comments.filter((c) => c.image.startsWith('##'));
  }

  // ----- helpers -----

  private tokenSpan(token: IToken): Span {
    return {
      file: this.source.name,
      offset: token.startOffset,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
      length: token.image.length,
    };
  }

  private nodeSpan(node: CstNode): Span {
    const loc = node.location;
    if (!loc || Number.isNaN(loc.startOffset)) return this.firstTokenSpan(node);
    const end = Number.isNaN(loc.endOffset ?? NaN) ? loc.startOffset : loc.endOffset!;
    return {
      file: this.source.name,
      offset: loc.startOffset,
      line: loc.startLine ?? 1,
      column: loc.startColumn ?? 1,
      length: end - loc.startOffset + 1,
    };
  }

  private firstTokenSpan(node: CstNode): Span {
    const first = this.firstToken(node);
    return first ? this.tokenSpan(first) : { file: this.source.name, offset: 0, line: 1, column: 1, length: 0 };
  }

  private tokens(c: Children, name: string): IToken[] {
    return (c[name] ?? []).filter(isToken).filter((t) => !t.isInsertedInRecovery);
  }

  private nodes(c: Children, name: string): CstNode[] {
    return (c[name] ?? []).filter((x): x is CstNode => !isToken(x));
  }

  private ident(token: IToken | undefined, fallback: Span): A.Ident {
    if (!token) return { kind: 'Ident', name: '', span: fallback };
    return { kind: 'Ident', name: token.image, span: this.tokenSpan(token) };
  }

  /** Reports the stray lines (the grammar's `junk` production) among a node's children. */
  private reportJunk(c: Children, expected: string) {
    for (const j of this.nodes(c, 'junk')) {
      const first = this.firstToken(j);
      if (!first) continue;
      this.diagnostics.push(
        diagnostic('E0103', this.tokenSpan(first), `expected ${expected}, found ${describeToken(first)}${keywordHint(first)}`),
      );
    }
  }

  private firstToken(node: CstNode): IToken | undefined {
    let best: IToken | undefined;
    const walk = (n: CstNode) => {
      for (const list of Object.values(n.children)) {
        for (const child of list ?? []) {
          if (isToken(child)) {
            if (!Number.isNaN(child.startOffset) && (!best || child.startOffset < best.startOffset)) best = child;
          } else walk(child);
        }
      }
    };
    walk(node);
    return best;
  }

  /** The doc comment lines directly above `span`, with only whitespace between them. */
  private docFor(span: Span): string | undefined {
    const lines: string[] = [];
    let cursor = span.offset;
    for (let i = this.docTokens.length - 1; i >= 0; i--) {
      const tok = this.docTokens[i]!;
      const end = tok.startOffset + tok.image.length;
      if (end > cursor) continue;
      if (this.source.text.slice(end, cursor).trim() !== '') break;
      lines.unshift(tok.image.replace(/^##\s?/, '').trimEnd());
      this.usedDocs.add(tok);
      cursor = tok.startOffset;
    }
    return lines.length ? lines.join('\n') : undefined;
  }

  private withDoc<T extends { span: Span }>(node: T): T & { doc?: string } {
    const doc = this.docFor(node.span);
    return doc === undefined ? node : { ...node, doc };
  }

  // ----- file and declarations -----

  buildFile(cst: CstNode): A.FileNode {
    const c = cst.children as Children;
    this.reportJunk(c, "'model' or 'block'");
    const items: (A.ModelDecl | A.BlockDecl)[] = [];
    const all = [...this.nodes(c, 'modelDecl'), ...this.nodes(c, 'blockDecl')].sort(
      (a, b) => this.nodeSpan(a).offset - this.nodeSpan(b).offset,
    );
    for (const n of all) items.push(n.name === 'modelDecl' ? this.modelDecl(n) : this.blockDecl(n));
    const comments: A.CommentToken[] = this.comments
      .filter((tok) => !this.usedDocs.has(tok))
      .map((tok) => ({ text: tok.image, doc: tok.image.startsWith('##'), span: this.tokenSpan(tok) }));
    return {
      kind: 'File',
      items,
      comments,
      span: { file: this.source.name, offset: 0, line: 1, column: 1, length: this.source.text.length },
    };
  }

  modelDecl(n: CstNode): A.ModelDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const ids = this.tokens(c, 'Identifier');
    if (this.tokens(c, 'Model').length === 0 && ids[0]) {
      const typo = ids[0];
      this.diagnostics.push(
        diagnostic('E0103', this.tokenSpan(typo), `expected 'model' or 'block', found ${describeToken(typo)}${keywordHint(typo)}`),
      );
      ids.shift();
    }
    this.reportJunk(c, STATEMENT_OR_DECLARATION);
    return this.withDoc({
      kind: 'Model',
      name: this.ident(ids[0], span),
      items: this.nodes(c, 'modelItem').map((item) => this.modelItem(item)),
      span,
    });
  }

  modelItem(n: CstNode): A.ModelItem {
    const c = n.children as Children;
    const inner = Object.values(c).flat().find((x) => x && !isToken(x)) as CstNode;
    switch (inner.name) {
      case 'inputDecl':
        return this.inputDecl(inner);
      case 'outputDecl':
        return this.outputDecl(inner);
      case 'blockDecl':
        return this.blockDecl(inner);
      case 'checkpointDecl':
        return this.checkpointDecl(inner);
      default:
        return this.statement(inner);
    }
  }

  constDecl(n: CstNode): A.ConstDecl {
    const c = n.children as Children;
    const bindings = this.nodes(c, 'constBinding').map((b) => {
      const bc = b.children as Children;
      const span = this.nodeSpan(b);
      return { name: this.ident(this.tokens(bc, 'Identifier')[0], span), value: this.expression(this.nodes(bc, 'expression')[0], span), span };
    });
    return this.withDoc({ kind: 'Const', bindings, span: this.nodeSpan(n) });
  }

  inputDecl(n: CstNode): A.InputDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const ids = this.tokens(c, 'Identifier');
    const dims = this.nodes(c, 'dimDecl').map((d) => {
      const dc = d.children as Children;
      const [size, bound] = this.nodes(dc, 'additive');
      const dspan = this.nodeSpan(d);
      const dim: A.DimDecl = { size: this.additive(size, dspan), span: dspan };
      return bound ? { ...dim, bound: this.additive(bound, dspan) } : dim;
    });
    return this.withDoc({ kind: 'Input', name: this.ident(ids[0], span), dtype: this.ident(ids[1], span), dims, span });
  }

  outputDecl(n: CstNode): A.OutputDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    return this.withDoc({
      kind: 'Output',
      name: this.ident(this.tokens(c, 'Identifier')[0], span),
      value: this.expression(this.nodes(c, 'expression')[0], span),
      span,
    });
  }

  blockDecl(n: CstNode): A.BlockDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const params = this.nodes(c, 'param').map((p) => {
      const pc = p.children as Children;
      const pspan = this.nodeSpan(p);
      const param: A.Param = { name: this.ident(this.tokens(pc, 'Identifier')[0], pspan), span: pspan };
      const def = this.nodes(pc, 'expression')[0];
      return def ? { ...param, default: this.expression(def, pspan) } : param;
    });
    this.reportJunk(c, 'a statement or return');
    return this.withDoc({
      kind: 'Block',
      name: this.ident(this.tokens(c, 'Identifier')[0], span),
      params,
      body: this.nodes(c, 'statement').map((s) => this.statement(s)),
      result: this.expression(this.nodes(c, 'expression')[0], span),
      span,
    });
  }

  statement(n: CstNode): A.Statement {
    const inner = n.name === 'statement' ? (Object.values(n.children as Children).flat().find((x) => x && !isToken(x)) as CstNode) : n;
    switch (inner.name) {
      case 'constDecl':
        return this.constDecl(inner);
      case 'repeatStmt':
        return this.repeatStmt(inner);
      case 'ifStmt':
        return this.ifStmt(inner);
      default:
        return this.assignment(inner);
    }
  }

  private statementBlock(n: CstNode | undefined): A.Statement[] {
    if (!n) return [];
    this.reportJunk(n.children as Children, 'a statement');
    return this.nodes(n.children as Children, 'statement').map((s) => this.statement(s));
  }

  repeatStmt(n: CstNode): A.Repeat {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const ids = this.tokens(c, 'Identifier');
    const hasLabel = this.tokens(c, 'Colon').length > 0;
    const label = hasLabel ? ids[0] : undefined;
    const index = hasLabel ? ids[1] : ids[0];
    const node: A.Repeat = {
      kind: 'Repeat',
      count: this.expression(this.nodes(c, 'expression')[0], span),
      index: this.ident(index, span),
      body: this.statementBlock(this.nodes(c, 'statementBlock')[0]),
      span,
    };
    return this.withDoc(label ? { ...node, label: this.ident(label, span) } : node);
  }

  ifStmt(n: CstNode): A.IfStmt {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const blocks = this.nodes(c, 'statementBlock');
    const nested = this.nodes(c, 'ifStmt')[0];
    const node: A.IfStmt = {
      kind: 'If',
      cond: this.expression(this.nodes(c, 'expression')[0], span),
      then: this.statementBlock(blocks[0]),
      span,
    };
    const elseBranch = nested ? [this.ifStmt(nested)] : blocks[1] ? this.statementBlock(blocks[1]) : undefined;
    return this.withDoc(elseBranch ? { ...node, else: elseBranch } : node);
  }

  assignment(n: CstNode): A.Assign {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    return this.withDoc({
      kind: 'Assign',
      target: this.ident(this.tokens(c, 'Identifier')[0], span),
      value: this.expression(this.nodes(c, 'expression')[0], span),
      span,
    });
  }

  // ----- checkpoint sections -----

  checkpointDecl(n: CstNode): A.CheckpointDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    this.reportJunk(c, 'a mapping such as `layers.{i}.attn.o.weight <- "h.{i}.attn.c_proj.weight"`');
    return this.withDoc({
      kind: 'Checkpoint',
      name: this.ident(this.tokens(c, 'Identifier')[0], span),
      rules: this.nodes(c, 'mappingRule').map((r) => this.mappingRule(r)),
      span,
    });
  }

  mappingRule(n: CstNode): A.MappingRule {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const str = this.tokens(c, 'StringLiteral')[0];
    const callNode = this.nodes(c, 'call')[0];
    const source: A.StringLit | A.Call = str
      ? this.stringLit(str)
      : callNode
        ? this.call(callNode)
        : { kind: 'String', value: '', span };
    return this.withDoc({
      target: this.paramPattern(this.nodes(c, 'paramPattern')[0], span),
      source,
      transforms: this.nodes(c, 'transform').map((tr) => {
        const tc = tr.children as Children;
        const tspan = this.nodeSpan(tr);
        return { name: this.ident(this.tokens(tc, 'Identifier')[0], tspan), args: this.args(this.nodes(tc, 'args')[0]), span: tspan };
      }),
      span,
    });
  }

  private paramPattern(n: CstNode | undefined, fallback: Span): A.ParamPattern {
    if (!n) return { segments: [], span: fallback };
    const segments = this.nodes(n.children as Children, 'patternSegment').map((s): A.PatternSegment => {
      const sc = s.children as Children;
      const span = this.nodeSpan(s);
      const ids = [...this.tokens(sc, 'Identifier')];
      const int = this.tokens(sc, 'IntegerLiteral')[0];
      if (int) return { kind: 'Index', value: Number(int.image), span };
      if (this.tokens(sc, 'LCurly').length) return { kind: 'Bind', name: ids[0]?.image ?? '', span };
      if (this.tokens(sc, 'LParen').length) return { kind: 'Alt', names: ids.map((t) => this.ident(t, span)), span };
      return { kind: 'Name', name: ids[0]?.image ?? '', span };
    });
    return { segments, span: this.nodeSpan(n) };
  }

  // ----- expressions -----

  expression(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const ifNode = this.nodes(c, 'ifExpression')[0];
    if (ifNode) {
      const ic = ifNode.children as Children;
      const [cond, then, els] = this.nodes(ic, 'expression');
      const span = this.nodeSpan(ifNode);
      return {
        kind: 'IfExpr',
        cond: this.expression(cond, span),
        then: this.expression(then, span),
        else: this.expression(els, span),
        span,
      };
    }
    return this.leftAssoc(this.nodes(c, 'orExpression')[0], fallback);
  }

  /** Folds `a op b op c` left to right; the same shape serves every binary precedence level. */
  private leftAssoc(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const next: Record<string, string> = {
      orExpression: 'andExpression',
      andExpression: 'comparison',
      comparison: 'additive',
      additive: 'multiplicative',
    };
    if (n.name === 'multiplicative') return this.multiplicative(n, fallback);
    const childName = next[n.name]!;
    const operands = this.nodes(c, childName);
    const operators = Object.entries(c)
      .filter(([key]) => key !== childName)
      .flatMap(([, list]) => (list ?? []).filter(isToken))
      .sort((a, b) => a.startOffset - b.startOffset);
    let result = this.leftAssoc(operands[0], fallback);
    for (let i = 1; i < operands.length; i++) {
      const right = this.leftAssoc(operands[i], fallback);
      const op = (operators[i - 1]?.image ?? '+') as A.BinaryOp;
      result = { kind: 'Binary', op, left: result, right, span: spanBetween(result.span, right.span) };
    }
    return result;
  }

  additive(n: CstNode | undefined, fallback: Span): A.Expr {
    return this.leftAssoc(n, fallback);
  }

  private multiplicative(n: CstNode, fallback: Span): A.Expr {
    const c = n.children as Children;
    const operands = this.nodes(c, 'unary');
    const operators = [...this.tokens(c, 'Star'), ...this.tokens(c, 'Slash'), ...this.tokens(c, 'Percent')].sort(
      (a, b) => a.startOffset - b.startOffset,
    );
    let result = this.unary(operands[0], fallback);
    for (let i = 1; i < operands.length; i++) {
      const right = this.unary(operands[i], fallback);
      const op = (operators[i - 1]?.image ?? '*') as A.BinaryOp;
      result = { kind: 'Binary', op, left: result, right, span: spanBetween(result.span, right.span) };
    }
    return result;
  }

  private unary(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const opTok = this.tokens(c, 'Minus')[0] ?? this.tokens(c, 'Bang')[0];
    if (opTok) {
      const operand = this.unary(this.nodes(c, 'unary')[0], this.tokenSpan(opTok));
      const opSpan = this.tokenSpan(opTok);
      // Fold a minus sign into a number literal, so `-1` is a number as the formatter prints it.
      if (opTok.image === '-' && operand.kind === 'Number') {
        return { ...operand, value: -operand.value, text: '-' + operand.text, span: spanBetween(opSpan, operand.span) };
      }
      return { kind: 'Unary', op: opTok.image as A.UnaryOp, operand, span: spanBetween(opSpan, operand.span) };
    }
    return this.primary(this.nodes(c, 'primary')[0], fallback);
  }

  private primary(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const float = this.tokens(c, 'FloatLiteral')[0];
    const int = this.tokens(c, 'IntegerLiteral')[0];
    const num = float ?? int;
    if (num) return { kind: 'Number', value: Number(num.image), text: num.image, isInteger: !float, span: this.tokenSpan(num) };
    const str = this.tokens(c, 'StringLiteral')[0];
    if (str) return this.stringLit(str);
    const list = this.nodes(c, 'listLiteral')[0];
    if (list) {
      const span = this.nodeSpan(list);
      return { kind: 'List', items: this.nodes(list.children as Children, 'expression').map((e) => this.expression(e, span)), span };
    }
    const paren = this.nodes(c, 'parenExpression')[0];
    if (paren) return this.expression(this.nodes(paren.children as Children, 'expression')[0], this.nodeSpan(paren));
    const call = this.nodes(c, 'call')[0];
    if (call) return this.call(call);
    const id = this.tokens(c, 'Identifier')[0];
    if (id) return { kind: 'Name', name: id.image, span: this.tokenSpan(id) };
    return { kind: 'Name', name: '', span: this.nodeSpan(n) };
  }

  private stringLit(tok: IToken): A.StringLit {
    return { kind: 'String', value: unquote(tok.image), span: this.tokenSpan(tok) };
  }

  call(n: CstNode): A.Call {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const ids = this.tokens(c, 'Identifier');
    const hasLabel = this.tokens(c, 'Colon').length > 0;
    const node: A.Call = {
      kind: 'Call',
      callee: this.ident(hasLabel ? ids[1] : ids[0], span),
      args: this.args(this.nodes(c, 'args')[0]),
      span,
    };
    return hasLabel ? { ...node, label: this.ident(ids[0], span) } : node;
  }

  private args(n: CstNode | undefined): A.Arg[] {
    if (!n) return [];
    return this.nodes(n.children as Children, 'arg').map((a) => {
      const ac = a.children as Children;
      const span = this.nodeSpan(a);
      const name = this.tokens(ac, 'Identifier')[0];
      const value = this.expression(this.nodes(ac, 'expression')[0], span);
      return name ? { name: this.ident(name, span), value, span } : { value, span };
    });
  }
}

const STATEMENT_OR_DECLARATION = "a declaration ('const', 'input', 'output', 'block', 'checkpoint') or a statement ('name = …', 'repeat', 'if')";

function spanBetween(a: Span, b: Span): Span {
  const start = Math.min(a.offset, b.offset);
  const end = Math.max(a.offset + a.length, b.offset + b.length);
  const first = a.offset <= b.offset ? a : b;
  return { file: a.file, offset: start, line: first.line, column: first.column, length: end - start };
}

/** The value of a string literal: quotes removed, `\"` and `\\` unescaped. */
export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, '$1');
}
