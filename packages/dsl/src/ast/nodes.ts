// The typed AST: the syntax of a .tdl file, every node with the span it came from.
import type { Span } from '../span.js';

export interface Ident {
  readonly kind: 'Ident';
  readonly name: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
export type UnaryOp = '-' | '!';

export interface NumberLit {
  readonly kind: 'Number';
  readonly value: number;
  /** The literal as written (`1e-5`, `0.02`), so the formatter keeps it. */
  readonly text: string;
  readonly isInteger: boolean;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: 'String';
  readonly value: string;
  readonly span: Span;
}

export interface NameRef {
  readonly kind: 'Name';
  readonly name: string;
  readonly span: Span;
}

export interface Arg {
  /** Present for a named argument `name = value`. */
  readonly name?: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `op(args)`, or `label: op(args)` where the label names the parameters the call creates. */
export interface Call {
  readonly kind: 'Call';
  readonly label?: Ident;
  readonly callee: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface Binary {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export interface Unary {
  readonly kind: 'Unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

/** `if cond then a else b`, decided when the model is compiled. */
export interface IfExpr {
  readonly kind: 'IfExpr';
  readonly cond: Expr;
  readonly then: Expr;
  readonly else: Expr;
  readonly span: Span;
}

export interface ListLit {
  readonly kind: 'List';
  readonly items: readonly Expr[];
  readonly span: Span;
}

export type Expr = NumberLit | StringLit | NameRef | Call | Binary | Unary | IfExpr | ListLit;

// ---------------------------------------------------------------------------------------------
// Statements and declarations

export interface ConstBinding {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface ConstDecl {
  readonly kind: 'Const';
  readonly doc?: string;
  readonly bindings: readonly ConstBinding[];
  readonly span: Span;
}

/** One dimension of an input: `T`, `d_mem`, or a bounded symbol `T <= ctx`. */
export interface DimDecl {
  readonly size: Expr;
  readonly bound?: Expr;
  readonly span: Span;
}

export interface InputDecl {
  readonly kind: 'Input';
  readonly doc?: string;
  readonly name: Ident;
  readonly dtype: Ident;
  readonly dims: readonly DimDecl[];
  readonly span: Span;
}

export interface OutputDecl {
  readonly kind: 'Output';
  readonly doc?: string;
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface Assign {
  readonly kind: 'Assign';
  readonly doc?: string;
  readonly target: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `label: repeat count as i { … }`: `count` layers; the label (default `layers`) prefixes their parameters. */
export interface Repeat {
  readonly kind: 'Repeat';
  readonly doc?: string;
  readonly label?: Ident;
  readonly count: Expr;
  readonly index: Ident;
  readonly body: readonly Statement[];
  readonly span: Span;
}

/** `if cond { … } else { … }`, decided when the model is compiled (per layer inside `repeat`). */
export interface IfStmt {
  readonly kind: 'If';
  readonly doc?: string;
  readonly cond: Expr;
  readonly then: readonly Statement[];
  /** `else { … }` as a list, `else if …` as a one-element list holding the nested `if`. */
  readonly else?: readonly Statement[];
  readonly span: Span;
}

export type Statement = Assign | Repeat | IfStmt | ConstDecl;

export interface Param {
  readonly name: Ident;
  readonly default?: Expr;
  readonly span: Span;
}

/** A reusable sub-block: `block name(params) { statements; return expr }`. */
export interface BlockDecl {
  readonly kind: 'Block';
  readonly doc?: string;
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly body: readonly Statement[];
  readonly result: Expr;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Checkpoint naming sections

/** One segment of a parameter path pattern: `attn`, `3`, `{i}`, `(q, k, v)`. */
export type PatternSegment =
  | { readonly kind: 'Name'; readonly name: string; readonly span: Span }
  | { readonly kind: 'Index'; readonly value: number; readonly span: Span }
  | { readonly kind: 'Bind'; readonly name: string; readonly span: Span }
  | { readonly kind: 'Alt'; readonly names: readonly Ident[]; readonly span: Span };

export interface ParamPattern {
  readonly segments: readonly PatternSegment[];
  readonly span: Span;
}

/** A layout transform in a mapping: `transpose`, `split(0)`, `rope_permute(heads)`. */
export interface Transform {
  readonly name: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

/** `params <- source | transform | …`: where parameters come from in an external checkpoint. */
export interface MappingRule {
  readonly doc?: string;
  readonly target: ParamPattern;
  /** A tensor name pattern (a string) or a call combining several (`concat(0, "a", "b")`). */
  readonly source: StringLit | Call;
  readonly transforms: readonly Transform[];
  readonly span: Span;
}

export interface CheckpointDecl {
  readonly kind: 'Checkpoint';
  readonly doc?: string;
  readonly name: Ident;
  readonly rules: readonly MappingRule[];
  readonly span: Span;
}

/** `claim params(124439808, d = 768)`: a claim about the model, checked by `tdl test`. */
export interface ClaimDecl {
  readonly kind: 'Claim';
  readonly doc?: string;
  readonly claim: Expr;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// config.json sections and presets

/**
 * `config NAME(model_type = "…", architectures = ["…"]) { const <- "key" | default(v) }`: which key of a
 * Hugging Face config.json gives which constant. The claims say which folders the model file is for; the
 * rules have the form of checkpoint mappings (a constant, or `_`, on the left).
 */
export interface ConfigDecl {
  readonly kind: 'Config';
  readonly doc?: string;
  readonly name: Ident;
  readonly claims: readonly Arg[];
  readonly rules: readonly MappingRule[];
  readonly span: Span;
}

/** `preset "llama-3-8b": vocab = 128256, …`: a published size as the constants it sets. */
export interface PresetDecl {
  readonly kind: 'Preset';
  readonly doc?: string;
  readonly name: StringLit;
  readonly bindings: readonly ConstBinding[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Models and files

export type ModelItem = ConstDecl | InputDecl | OutputDecl | Statement | BlockDecl | CheckpointDecl | ConfigDecl | PresetDecl | ClaimDecl;

export interface ModelDecl {
  readonly kind: 'Model';
  readonly doc?: string;
  readonly name: Ident;
  readonly items: readonly ModelItem[];
  readonly span: Span;
}

export interface CommentToken {
  readonly text: string;
  readonly doc: boolean;
  readonly span: Span;
}

export interface FileNode {
  readonly kind: 'File';
  readonly items: readonly (ModelDecl | BlockDecl)[];
  /** Every comment in the file (doc comments too), in order, for the formatter. */
  readonly comments: readonly CommentToken[];
  readonly span: Span;
}
