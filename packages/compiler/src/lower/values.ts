// Compile-time values: what an expression in a model file evaluates to while it is lowered to IR.
import type { Span } from '@tdl/dsl';
import type { Dim } from '../ir/dim.js';
import type { Activation, Mask, Rope, TensorType, ValueId } from '../ir/nodes.js';

export type Value =
  | { readonly kind: 'tensor'; readonly id: ValueId; readonly type: TensorType }
  | { readonly kind: 'number'; readonly value: number; readonly isInteger: boolean }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  /** A symbolic dimension (`T`, `S`) named by an input. */
  | { readonly kind: 'dim'; readonly name: string; readonly dim: Dim }
  /** A bare word with meaning to some operator: `causal`, `none`, `half`, `relu` … */
  | { readonly kind: 'word'; readonly word: string }
  | { readonly kind: 'mask'; readonly mask: Mask }
  | { readonly kind: 'rope'; readonly rope: Partial<Rope> }
  | { readonly kind: 'alibi' }
  | { readonly kind: 'list'; readonly items: readonly Value[] }
  /** A label naming an op's parameters, for `tied = wte`. */
  | { readonly kind: 'label'; readonly path: string }
  /** Produced after an error was reported, so one mistake does not cascade into many. */
  | { readonly kind: 'error' };

export type ValueKind = Value['kind'];

export interface Located<V extends Value = Value> {
  readonly value: V;
  readonly span: Span;
}

export const ERROR: Value = { kind: 'error' };

/** Activation functions that can be named as values (`act = silu`) or called (`silu(x)`). */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'gelu', 'gelu_tanh', 'silu', 'sigmoid', 'tanh', 'identity'];

/** Words with a meaning of their own, resolved after local names and constants. */
export const WORDS = new Set<string>(['causal', 'none', 'half', 'interleaved', 'head', 'all', ...ACTIVATIONS]);

export function describeKind(v: Value): string {
  switch (v.kind) {
    case 'tensor':
      return `a tensor`;
    case 'number':
      return v.isInteger ? `the integer ${v.value}` : `the number ${v.value}`;
    case 'bool':
      return `the boolean ${v.value}`;
    case 'string':
      return 'a string';
    case 'dim':
      return `the dimension ${v.name}`;
    case 'word':
      return `'${v.word}'`;
    case 'mask':
      return 'a mask';
    case 'rope':
      return 'a rope position encoding';
    case 'alibi':
      return "'alibi'";
    case 'list':
      return 'a list';
    case 'label':
      return `the label ${v.path}`;
    case 'error':
      return 'an erroneous value';
  }
}
