// The operator registry: every built-in operator by name.
import { activation, activationOps, softcap } from './activations.js';
import { attention, rope, sliding } from './attention.js';
import { embedding, positions, sinusoidal } from './embedding.js';
import { tanhGate } from './gate.js';
import { linear } from './linear.js';
import { moe } from './moe.js';
import { layerNorm, rmsNorm } from './norms.js';
import type { OpDef } from './op.js';

export const OPS: ReadonlyMap<string, OpDef> = new Map(
  [embedding, positions, sinusoidal, linear, layerNorm, rmsNorm, ...activationOps, activation, softcap, tanhGate, moe, attention, sliding, rope].map(
    (op) => [op.name, op],
  ),
);

export type { ArgKind, ArgSpec, OpDef } from './op.js';
