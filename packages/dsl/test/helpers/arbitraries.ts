// fast-check generators of well-formed tdl ASTs: every construct the parser can produce, and only those.
import fc from 'fast-check';
import { KEYWORD_NAMES, type Arg, type BinaryOp, type BlockDecl, type Call, type CheckpointDecl, type ConstDecl, type DimDecl, type Expr, type FileNode, type Ident, type InputDecl, type MappingRule, type ModelDecl, type ModelItem, type OutputDecl, type Param, type PatternSegment, type Span, type Statement, type Transform } from '@tdl/dsl';

/** Generated nodes carry this placeholder; comparisons strip spans. */
export const NO_SPAN: Span = { file: 'generated.tdl', offset: 0, line: 1, column: 1, length: 0 };
const span = NO_SPAN;

/** Names, including some a misspelt keyword could be confused with: valid code must never be "corrected". */
export const nameArb: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((s) => !KEYWORD_NAMES.includes(s)),
  fc.constantFrom('x', 'd', 'heads', 'iff', 'sa', 'thne', 'esle', 'reepat', 'ouptut', 'Model', 'IF', 'modle', 'retrun', 'e', 'E'),
);
const identArb: fc.Arbitrary<Ident> = nameArb.map((name) => ({ kind: 'Ident', name, span }));

/** Number literals as the parser keeps them: the text as written, a folded minus sign included. */
export const numberArb: fc.Arbitrary<Expr> = fc
  .tuple(
    fc.boolean(),
    fc.oneof(
      fc.stringMatching(/^\d{1,6}$/),
      fc.stringMatching(/^\d{1,3}\.\d{1,3}([eE][+-]?\d{1,2})?$/),
      fc.stringMatching(/^\d{1,3}[eE][+-]?\d{1,2}$/),
    ),
  )
  .map(([negative, digits]) => {
    const text = (negative ? '-' : '') + digits;
    return { kind: 'Number', value: Number(text), text, isInteger: /^-?\d+$/.test(text), span };
  });

/** String values: anything but a line break (a string cannot span lines), quotes and backslashes included. */
const stringValueArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 4, unit: 'grapheme' }),
  fc.constantFrom('h.{i}.attn.c_attn.weight', 'a"b', 'back\\slash', ''),
).map((s) => s.replace(/[\n]/g, ' '));
const stringArb: fc.Arbitrary<Expr> = stringValueArb.map((value) => ({ kind: 'String', value, span }));

const BINARY_OPS: BinaryOp[] = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||'];
const ARITHMETIC_OPS: BinaryOp[] = ['+', '-', '*', '/', '%'];

/** A doc comment: lines without line breaks or trailing blanks. */
const docArb = fc.option(
  fc.array(fc.string({ maxLength: 12 }).map((s) => s.replace(/[\n\r]/g, ' ').trimEnd()), { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
  { nil: undefined },
);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const { expr, call, arg } = fc.letrec<{ expr: Expr; call: Call; arg: Arg }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    numberArb,
    nameArb.map((name): Expr => ({ kind: 'Name', name, span })),
    stringArb,
    tie('call'),
    fc.record({ kind: fc.constant('Binary' as const), op: fc.constantFrom(...BINARY_OPS), left: tie('expr'), right: tie('expr'), span: fc.constant(span) }),
    fc
      .record({ kind: fc.constant('Unary' as const), op: fc.constantFrom('-' as const, '!' as const), operand: tie('expr'), span: fc.constant(span) })
      // The parser folds `-` into a literal it precedes: `-1` is the number -1, never a negation.
      .filter((u) => !(u.op === '-' && u.operand.kind === 'Number' && !u.operand.text.startsWith('-'))),
    fc.record({ kind: fc.constant('IfExpr' as const), cond: tie('expr'), then: tie('expr'), else: tie('expr'), span: fc.constant(span) }),
    fc.record({ kind: fc.constant('List' as const), items: fc.array(tie('expr'), { maxLength: 3 }), span: fc.constant(span) }),
  ),
  call: fc.record({
    kind: fc.constant('Call' as const),
    label: optional(identArb),
    callee: identArb,
    args: fc.array(tie('arg'), { maxLength: 4 }),
    span: fc.constant(span),
  }),
  arg: fc.record({ name: optional(identArb), value: tie('expr'), span: fc.constant(span) }),
}));
export { expr as exprArb };

/** What may stand in an input's dimension: arithmetic on operands (anything else the formatter parenthesises). */
const dimExprArb: fc.Arbitrary<Expr> = fc.oneof(
  expr,
  fc.record({ kind: fc.constant('Binary' as const), op: fc.constantFrom(...ARITHMETIC_OPS), left: expr, right: expr, span: fc.constant(span) }),
);

const { statement } = fc.letrec<{ statement: Statement; body: Statement[] }>((tie) => ({
  statement: fc.oneof(
    { maxDepth: 2, depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('Assign' as const), doc: docArb, target: identArb, value: expr, span: fc.constant(span) }),
    fc.record({
      kind: fc.constant('Const' as const),
      doc: docArb,
      bindings: fc.array(fc.record({ name: identArb, value: expr, span: fc.constant(span) }), { minLength: 1, maxLength: 3 }),
      span: fc.constant(span),
    }) as fc.Arbitrary<ConstDecl>,
    fc.record({
      kind: fc.constant('Repeat' as const),
      doc: docArb,
      label: optional(identArb),
      count: expr,
      index: identArb,
      body: tie('body'),
      span: fc.constant(span),
    }),
    fc.record({ kind: fc.constant('If' as const), doc: docArb, cond: expr, then: tie('body'), else: optional(tie('body')), span: fc.constant(span) }),
  ),
  body: fc.array(tie('statement'), { maxLength: 3 }),
}));
export { statement as statementArb };

const paramArb: fc.Arbitrary<Param> = fc.record({ name: identArb, default: optional(expr), span: fc.constant(span) });

export const blockArb: fc.Arbitrary<BlockDecl> = fc.record({
  kind: fc.constant('Block' as const),
  doc: docArb,
  name: identArb,
  params: fc.array(paramArb, { maxLength: 3 }),
  body: fc.array(statement, { maxLength: 3 }),
  result: expr,
  span: fc.constant(span),
});

const inputArb: fc.Arbitrary<InputDecl> = fc.record({
  kind: fc.constant('Input' as const),
  doc: docArb,
  name: identArb,
  dtype: identArb,
  dims: fc.array(fc.record({ size: dimExprArb, bound: optional(dimExprArb), span: fc.constant(span) }) as fc.Arbitrary<DimDecl>, {
    minLength: 1,
    maxLength: 3,
  }),
  span: fc.constant(span),
});

const outputArb: fc.Arbitrary<OutputDecl> = fc.record({ kind: fc.constant('Output' as const), doc: docArb, name: identArb, value: expr, span: fc.constant(span) });

const segmentArb: fc.Arbitrary<PatternSegment> = fc.oneof(
  nameArb.map((name): PatternSegment => ({ kind: 'Name', name, span })),
  fc.nat({ max: 40 }).map((value): PatternSegment => ({ kind: 'Index', value, span })),
  nameArb.map((name): PatternSegment => ({ kind: 'Bind', name, span })),
  fc.array(identArb, { minLength: 1, maxLength: 3 }).map((names): PatternSegment => ({ kind: 'Alt', names, span })),
);

const transformArb: fc.Arbitrary<Transform> = fc.record({ name: identArb, args: fc.array(arg, { maxLength: 3 }), span: fc.constant(span) });

const ruleArb: fc.Arbitrary<MappingRule> = fc.record({
  doc: docArb,
  target: fc
    .tuple(nameArb, fc.array(segmentArb, { maxLength: 4 }))
    .map(([first, rest]) => ({ segments: [{ kind: 'Name' as const, name: first, span }, ...rest], span })),
  source: fc.oneof(
    stringArb as fc.Arbitrary<MappingRule['source']>,
    call.map((c): Call => ({ kind: 'Call', callee: c.callee, args: c.args, span })),
  ),
  transforms: fc.array(transformArb, { maxLength: 3 }),
  span: fc.constant(span),
});

const checkpointArb: fc.Arbitrary<CheckpointDecl> = fc.record({
  kind: fc.constant('Checkpoint' as const),
  doc: docArb,
  name: identArb,
  rules: fc.array(ruleArb, { maxLength: 4 }),
  span: fc.constant(span),
});

const modelItemArb: fc.Arbitrary<ModelItem> = fc.oneof(statement, inputArb, outputArb, blockArb, checkpointArb);

export const modelArb: fc.Arbitrary<ModelDecl> = fc.record({
  kind: fc.constant('Model' as const),
  doc: docArb,
  name: identArb,
  items: fc.array(modelItemArb, { maxLength: 6 }),
  span: fc.constant(span),
});

export const fileArb: fc.Arbitrary<FileNode> = fc.record({
  kind: fc.constant('File' as const),
  items: fc.array(fc.oneof(modelArb, blockArb), { maxLength: 3 }),
  comments: fc.constant([]),
  span: fc.constant(span),
});
