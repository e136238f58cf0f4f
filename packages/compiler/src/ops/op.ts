// What an operator is: its arguments (for binding, checking and the docs) and how it lowers to IR.
import type { Call, DiagnosticCode, Span } from '@tdl/dsl';
import type { UntypedNode } from '../ir/shapes.js';
import type { Init, TensorType, ValueId } from '../ir/nodes.js';
import type { Located, Value, ValueKind } from '../lower/values.js';

/** The kinds of value an argument accepts; `int` and `number` also accept a number-valued expression. */
export type ArgKind =
  | 'tensor'
  | 'int'
  | 'number'
  | 'bool'
  | 'dim'
  | 'mask'
  | 'position'
  | 'activation'
  | 'layout'
  | 'qk_norm'
  | 'string'
  | 'numbers'
  | 'label';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** Absent means required. A string documents a default computed from other arguments. */
  readonly default?: string;
  readonly doc: string;
}

/** The arguments of one call after binding: present ones with their spans. */
export type BoundArgs = ReadonlyMap<string, Located>;

/** What an op may do while lowering: add nodes, declare parameters, report problems. */
export interface OpContext {
  readonly call: Call;
  /** The label path for this call's parameters (`attn`, or `ffn.up` inside a labelled block). */
  readonly label: string;
  emit(node: UntypedNode): Value;
  /** Declares a parameter `label.name` and returns its full name. */
  param(name: string, shape: readonly number[], init: Init): string;
  /** Resolves `tied = wte` to the weight it names, with its shape, or reports an error. */
  tiedWeight(label: Located, paramName: string): { name: string; shape: readonly number[] } | undefined;
  /**
   * Records a parameter this call would declare with other constants (an untied head's `weight` when
   * `tied = if tie then wte else none` ties it), so a checkpoint rule naming it is no mistake.
   */
  possibleParam(name: string): void;
  typeOf(id: ValueId): TensorType;
  /** Reports a problem with the user's file and returns the error value. */
  error(code: DiagnosticCode, span: Span, message: string, label?: string): Value;
  /** The span of argument `name` if given, else of the whole call. */
  spanOf(name: string): Span;
}

export interface OpDef {
  readonly name: string;
  readonly summary: string;
  /** The shapes it takes and returns, for the docs: `[T, d] -> [T, out]`. */
  readonly shapes: string;
  readonly args: readonly ArgSpec[];
  /** Which value kinds each argument kind accepts. */
  lower(ctx: OpContext, args: BoundArgs): Value;
}

export const ACCEPTS: Record<ArgKind, readonly ValueKind[]> = {
  tensor: ['tensor'],
  int: ['number'],
  number: ['number'],
  bool: ['bool'],
  dim: ['dim', 'number', 'tensor'],
  mask: ['mask', 'word'],
  position: ['rope', 'alibi', 'word'],
  activation: ['word'],
  layout: ['word'],
  qk_norm: ['word'],
  string: ['string'],
  numbers: ['list'],
  label: ['label', 'word'],
};
