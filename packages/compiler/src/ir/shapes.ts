// The shape rule of every IR operation, stated once: lowering types each node with it, and the
// verifier re-derives every type with it to catch a pass that broke one.
import { invariant } from '@tdl/dsl';
import { constDim, type Dim } from './dim.js';
import type { Node, TensorType, ValueId } from './nodes.js';

type Distribute<T> = T extends unknown ? Omit<T, 'id' | 'type'> : never;
/** A node as an op describes it, before it has an id and a type. */
export type UntypedNode = Distribute<Node>;

export interface ShapeEnv {
  typeOf(id: ValueId): TensorType;
  paramShape(name: string): readonly number[];
}

const f32 = (shape: readonly Dim[]): TensorType => ({ dtype: 'f32', shape });

/** The type of a node's result. Inputs and carried values declare theirs. */
export function inferType(node: UntypedNode, env: ShapeEnv, declared?: TensorType): TensorType {
  switch (node.op) {
    case 'input':
    case 'carried':
      invariant(declared, `${node.op} node without a declared type`);
      return declared;
    case 'positions':
      return { dtype: 'i32', shape: [node.length] };
    case 'embedding': {
      const [, width] = env.paramShape(node.weight);
      return f32([...env.typeOf(node.ids).shape, constDim(width ?? 0)]);
    }
    case 'sinusoidal':
      return f32([...env.typeOf(node.positions).shape, constDim(node.dim)]);
    case 'linear': {
      const x = env.typeOf(node.x).shape;
      const [out] = env.paramShape(node.weight);
      return f32([...x.slice(0, -1), constDim(out ?? 0)]);
    }
    case 'layer_norm':
    case 'rms_norm':
    case 'activation':
    case 'scale':
    case 'softcap':
    case 'tanh_gate':
    case 'moe':
      return f32(env.typeOf(node.x).shape);
    case 'add':
    case 'sub':
    case 'mul':
      // Mismatched operands are reported by checks/elementwise-shapes.ts; the result takes `a`'s shape.
      return f32(env.typeOf(node.a).shape);
    case 'attention': {
      const q = env.typeOf(node.q).shape;
      const [out] = env.paramShape(node.params.o);
      return f32([...q.slice(0, -1), constDim(out ?? 0)]);
    }
  }
}
