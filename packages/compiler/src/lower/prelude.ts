// Blocks every model can call without declaring them, written in tdl itself.
import { parse, type BlockDecl } from '@tdl/dsl';

export const PRELUDE_SOURCE = `## A feed-forward network: down(act(up(x))), back to the width of x.
block mlp(x, hidden, act = relu, bias = true) {
  return down: linear(activation(up: linear(x, hidden, bias = bias), act), width(x), bias = bias)
}

## A gated feed-forward network, down(act(gate(x)) * up(x)): SwiGLU with silu, GeGLU with gelu or gelu_tanh.
block gated_mlp(x, hidden, act = silu, bias = false) {
  h = activation(gate: linear(x, hidden, bias = bias), act) * up: linear(x, hidden, bias = bias)
  return down: linear(h, width(x), bias = bias)
}
`;

/** The file name the prelude's spans carry. */
export const PRELUDE_FILE = '<prelude>';

let cached: BlockDecl[] | undefined;

/** The prelude's blocks, parsed once. */
export function preludeBlocks(): readonly BlockDecl[] {
  if (!cached) {
    const { ast, diagnostics } = parse({ name: PRELUDE_FILE, text: PRELUDE_SOURCE });
    if (diagnostics.length) throw new Error(`internal compiler error: the prelude does not parse: ${diagnostics[0]!.message}`);
    cached = ast.items.filter((i): i is BlockDecl => i.kind === 'Block');
  }
  return cached;
}
