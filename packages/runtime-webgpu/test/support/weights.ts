// Weights for differential tests: larger than tdl init's (std 0.02), so logits are of order one and
// an absolute tolerance of 1e-4 means something; norms' weights and biases are not all ones and zeros.
import { Rng, type ParamSpec } from '@tdl/runtime';

export function testWeights(params: readonly ParamSpec[], seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const p of params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (p.shape.length === 2) {
      // Matrices [out, in] and embedding tables: std 1/√in keeps activations near unit scale.
      const std = 1 / Math.sqrt(p.shape[1]!);
      for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
    } else if (p.init.kind === 'ones') {
      for (let i = 0; i < n; i++) data[i] = 1 + 0.2 * rng.normal();
    } else {
      for (let i = 0; i < n; i++) data[i] = 0.2 * rng.normal();
    }
    out.set(p.name, data);
  }
  return out;
}
