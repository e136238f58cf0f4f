// What each expression of the user's file evaluated to while it was lowered, for editors: hover shapes,
// inlay hints. Recorded by span; prelude blocks and the every-branch probe of a repeat record nothing.
import type { Span } from '@tdl/dsl';
import type { TensorType, ValueId } from '../ir/nodes.js';

/** One lowered expression (or the name an assignment, input, output or constant binds). */
export interface ValueSpan {
  readonly span: Span;
  /** A tensor's type; absent for compile-time values (numbers, words …). */
  readonly type?: TensorType;
  /** A compile-time number, for constants. */
  readonly number?: number;
  /** The node ids taken while the expression lowered: [firstId, endId). Its own nodes are those of the graph in the range. */
  readonly firstId: ValueId;
  readonly endId: ValueId;
  /** Elements of the parameters the expression declared (one layer's worth inside a repeat). */
  readonly paramElements: number;
  /** The layer being lowered, inside a repeat. */
  readonly layer?: number;
}
