// The CST visitor: turns chevrotain's concrete syntax tree into the typed AST, with spans and doc comments.
import type { CstNode, IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile, Span } from '../span.js';
import { tdlParser } from '../syntax/parser.js';
import { probeLine } from '../syntax/probe.js';
import { SpanMaker } from '../syntax/span-maker.js';
import { DocComments } from './doc-comments.js';
import { foldBinary, spanBetween } from './fold-binary.js';
import { junkDiagnostic, type JunkContext } from './junk.js';
import type * as A from './nodes.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const NONE: readonly never[] = [];


const BaseVisitor = tdlParser.getBaseCstVisitorConstructorWithDefaults();

function isToken(x: CstNode | IToken | undefined): x is IToken {
  return x !== undefined && (x as IToken).image !== undefined;
}

/** Builds the AST of one parsed file. Tolerates the partial trees error recovery leaves behind. */
export class AstBuilder extends BaseVisitor {
  private readonly docs: DocComments;
  /** Syntax errors the grammar lets through on purpose (a misspelt `model`), found while building. */
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly source: SourceFile,
    private readonly comments: IToken[],
    private readonly spans: SpanMaker = new SpanMaker(source),
  ) {
    super();
    this.docs = new DocComments(source.text, comments);
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
    return this.spans.at(loc.startOffset, end - loc.startOffset + 1);
  }

  private firstTokenSpan(node: CstNode): Span {
    const first = this.firstToken(node);
    return first ? this.tokenSpan(first) : { file: this.source.name, offset: 0, line: 1, column: 1, length: 0 };
  }

  /** A CST key holds only tokens (a token type's name) or only nodes (a rule's name): no need to sort them out. */
  private tokens(c: Children, name: string): readonly IToken[] {
    const list = (c[name] ?? NONE) as IToken[];
    return list.some((t) => t.isInsertedInRecovery) ? list.filter((t) => !t.isInsertedInRecovery) : list;
  }

  /** The first real token under `name`, if any. */
  private token(c: Children, name: string): IToken | undefined {
    const list = c[name] as IToken[] | undefined;
    if (!list) return undefined;
    return list[0]!.isInsertedInRecovery ? list.find((t) => !t.isInsertedInRecovery) : list[0];
  }

  private nodes(c: Children, name: string): readonly CstNode[] {
    return (c[name] ?? NONE) as CstNode[];
  }

  private ident(token: IToken | undefined, fallback: Span): A.Ident {
    if (!token) return { kind: 'Ident', name: '', span: fallback };
    return { kind: 'Ident', name: token.image, span: this.tokenSpan(token) };
  }

  /** Reports the stray lines (the grammar's `junk` production) among a node's children, and stray line ends. */
  private reportJunk(c: Children, context: JunkContext) {
    const lineEnds = this.nodes(c, 'endOfStatement').flatMap((e) => this.nodes(e.children as Children, 'junk'));
    for (const j of [...this.nodes(c, 'junk'), ...lineEnds]) {
      const tokens = this.tokensOf(j);
      if (tokens.length === 0) continue;
      const atLineStart = this.startsLine(tokens[0]!);
      const probed = atLineStart ? probeLine(tokens, this.source.text, this.spans) : [];
      if (probed.length > 0) {
        this.diagnostics.push(...probed);
        continue;
      }
      // A well-formed `name = …` skipped where statements belong only follows an error reported before it.
      const assigns = tokens[0]!.tokenType.name === 'Identifier' && tokens[1]?.tokenType.name === 'Equals';
      if (atLineStart && assigns && (context === 'model' || context === 'block' || context === 'statements')) continue;
      const { token, message, notes } = junkDiagnostic(context, tokens, atLineStart);
      this.diagnostics.push(diagnostic('E0103', this.tokenSpan(token), message, { notes: notes.map((n) => ({ message: n })) }));
    }
  }

  /** Whether only indentation (or an opening brace) stands before `token` on its line. */
  private startsLine(token: IToken): boolean {
    const text = this.source.text;
    let i = token.startOffset - 1;
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i--;
    return i < 0 || text[i] === '\n' || text[i] === '{';
  }

  /** A node's real tokens (none inserted by recovery), in source order. */
  private tokensOf(node: CstNode): IToken[] {
    const out: IToken[] = [];
    const walk = (n: CstNode) => {
      for (const list of Object.values(n.children)) {
        for (const child of list ?? []) {
          if (isToken(child)) {
            if (!child.isInsertedInRecovery && !Number.isNaN(child.startOffset)) out.push(child);
          } else walk(child);
        }
      }
    };
    walk(node);
    return out.sort((a, b) => a.startOffset - b.startOffset);
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

  private withDoc<T extends { span: Span }>(node: T): T & { doc?: string } {
    const doc = this.docs.take(node.span.offset);
    return doc === undefined ? node : { ...node, doc };
  }

  // ----- file and declarations -----

  buildFile(cst: CstNode): A.FileNode {
    const c = cst.children as Children;
    this.reportJunk(c, 'file');
    for (const stray of this.nodes(c, 'strayBrace')) {
      for (const tok of this.tokensOf(stray)) {
        this.diagnostics.push(diagnostic('E0103', this.tokenSpan(tok), "found '}' with no '{' to close", { label: 'remove it, or add the missing opening' }));
      }
    }
    const items: (A.ModelDecl | A.BlockDecl)[] = [];
    const all = [...this.nodes(c, 'modelDecl'), ...this.nodes(c, 'blockDecl')].sort(
      (a, b) => this.nodeSpan(a).offset - this.nodeSpan(b).offset,
    );
    for (const n of all) items.push(n.name === 'modelDecl' ? this.modelDecl(n) : this.blockDecl(n));
    const comments: A.CommentToken[] = this.comments
      .filter((tok) => !this.docs.used(tok))
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
    this.reportJunk(c, 'model');
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
      case 'configDecl':
        return this.configDecl(inner);
      case 'presetDecl':
        return this.presetDecl(inner);
      case 'claimDecl':
        return this.claimDecl(inner);
      default:
        return this.statement(inner);
    }
  }

  constDecl(n: CstNode): A.ConstDecl {
    return this.withDoc({ kind: 'Const', bindings: this.constBindings(n), span: this.nodeSpan(n) });
  }

  private constBindings(n: CstNode): A.ConstBinding[] {
    return this.nodes(n.children as Children, 'constBinding').map((b) => {
      const bc = b.children as Children;
      const span = this.nodeSpan(b);
      return { name: this.ident(this.tokens(bc, 'Identifier')[0], span), value: this.expression(this.nodes(bc, 'expression')[0], span), span };
    });
  }

  inputDecl(n: CstNode): A.InputDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const ids = this.tokens(c, 'Identifier');
    const dims = this.nodes(c, 'dimDecl').map((d) => {
      const dc = d.children as Children;
      const [size, bound] = this.nodes(dc, 'arithmetic');
      const dspan = this.nodeSpan(d);
      const dim: A.DimDecl = { size: this.binary(size, dspan), span: dspan };
      return bound ? { ...dim, bound: this.binary(bound, dspan) } : dim;
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
    this.reportJunk(c, 'block');
    const late = this.nodes(c, 'afterReturn')[0];
    const lateToken = late && this.tokensOf(late)[0];
    if (late) {
      for (const j of this.nodes(late.children as Children, 'junk')) this.reportJunk({ junk: [j] }, 'block');
      for (const s of this.nodes(late.children as Children, 'statement')) this.statement(s);
    }
    if (lateToken) {
      const ret = this.tokens(c, 'Return')[0];
      this.diagnostics.push(
        diagnostic('E0103', this.tokenSpan(lateToken), "expected '}' after the block's 'return', found more statements", {
          label: "'return' must come last in a block",
          notes: ret ? [{ message: "the block's 'return'", span: this.tokenSpan(ret) }] : [],
        }),
      );
    }
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
    this.reportJunk(n.children as Children, 'statements');
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

  claimDecl(n: CstNode): A.ClaimDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    return this.withDoc({ kind: 'Claim', claim: this.expression(this.nodes(c, 'expression')[0], span), span });
  }

  checkpointDecl(n: CstNode): A.CheckpointDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    this.reportJunk(c, 'checkpoint');
    return this.withDoc({
      kind: 'Checkpoint',
      name: this.ident(this.tokens(c, 'Identifier')[0], span),
      rules: this.nodes(c, 'mappingRule').map((r) => this.mappingRule(r)),
      span,
    });
  }

  configDecl(n: CstNode): A.ConfigDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    this.reportJunk(c, 'config');
    return this.withDoc({
      kind: 'Config',
      name: this.ident(this.tokens(c, 'Identifier')[0], span),
      claims: this.args(this.nodes(c, 'args')[0]),
      rules: this.nodes(c, 'mappingRule').map((r) => this.mappingRule(r)),
      span,
    });
  }

  presetDecl(n: CstNode): A.PresetDecl {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const str = this.tokens(c, 'StringLiteral')[0];
    return this.withDoc({
      kind: 'Preset',
      name: str ? this.stringLit(str) : { kind: 'String', value: '', span },
      bindings: this.constBindings(n),
      span,
    });
  }

  mappingRule(n: CstNode): A.MappingRule {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const str = this.tokens(c, 'StringLiteral')[0];
    const callNode = this.nodes(c, 'sourceCall')[0];
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
    return this.binary(n, fallback);
  }

  /** An `expression` (not an `if`) or `arithmetic` node: operands and operators in order, folded by precedence. */
  binary(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const operands = this.nodes(c, 'unary').map((u) => this.unary(u, fallback));
    const operators = (c['BinaryOperator'] ?? c['ArithmeticOperator'] ?? []).filter(isToken);
    if (operands.length === 0) return { kind: 'Name', name: '', span: fallback };
    const ops = operators.slice(0, operands.length - 1).map((tok) => (tok.isInsertedInRecovery ? '+' : tok.image) as A.BinaryOp);
    return foldBinary(operands, ops, (i) => {
      const tok = operators[i]!;
      if (tok.isInsertedInRecovery) return;
      this.diagnostics.push(
        diagnostic('E0103', this.tokenSpan(tok), `comparisons do not chain: found '${tok.image}' after another comparison`, {
          label: 'add parentheses, or join two comparisons with &&',
        }),
      );
    });
  }

  private unary(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const opTok = this.tokens(c, 'Minus')[0] ?? this.tokens(c, 'Bang')[0];
    if (opTok) {
      const operand = this.unary(this.nodes(c, 'unary')[0], this.tokenSpan(opTok));
      const opSpan = this.tokenSpan(opTok);
      // Fold a minus sign into a number literal, so `-1` is a number as the formatter prints it.
      if (opTok.image === '-' && operand.kind === 'Number' && !operand.text.startsWith('-')) {
        return { ...operand, value: -operand.value, text: '-' + operand.text, span: spanBetween(opSpan, operand.span) };
      }
      return { kind: 'Unary', op: opTok.image as A.UnaryOp, operand, span: spanBetween(opSpan, operand.span) };
    }
    return this.primary(this.nodes(c, 'primary')[0], fallback);
  }

  private primary(n: CstNode | undefined, fallback: Span): A.Expr {
    if (!n) return { kind: 'Name', name: '', span: fallback };
    const c = n.children as Children;
    const id = this.token(c, 'Identifier');
    if (id) return { kind: 'Name', name: id.image, span: this.tokenSpan(id) };
    const call = c['call']?.[0] as CstNode | undefined;
    if (call) return this.call(call);
    const float = this.token(c, 'FloatLiteral');
    const num = float ?? this.token(c, 'IntegerLiteral');
    if (num) return { kind: 'Number', value: Number(num.image), text: num.image, isInteger: !float, span: this.tokenSpan(num) };
    const str = this.token(c, 'StringLiteral');
    if (str) return this.stringLit(str);
    const list = this.nodes(c, 'listLiteral')[0];
    if (list) {
      const span = this.nodeSpan(list);
      return { kind: 'List', items: this.nodes(list.children as Children, 'expression').map((e) => this.expression(e, span)), span };
    }
    const paren = this.nodes(c, 'parenExpression')[0];
    if (paren) return this.expression(this.nodes(paren.children as Children, 'expression')[0], this.nodeSpan(paren));
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

/** The value of a string literal: quotes removed, `\"` and `\\` unescaped (an unterminated one too). */
export function unquote(image: string): string {
  const closed = /^"(?:[^"\\\n]|\\.)*"$/.test(image);
  return image.slice(1, closed ? -1 : undefined).replace(/\\(.)/g, '$1');
}
