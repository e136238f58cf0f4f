// Mixture of experts: route each row to its top-k experts and run only those (Mixtral's sparse block).
import { linear, type Matrix } from './linear.js';

/** One expert's weights: gate [hidden, d], up [hidden, d], down [d, hidden]. */
export type Expert = readonly [gate: Matrix, up: Matrix, down: Matrix];

/** An element-wise activation kernel: out[0 … n) = f(x[0 … n)). */
export type ActivationKernel = (out: Float32Array, x: Float32Array, n: number) => void;

/**
 * The experts each row chooses and their weights: probabilities p = softmax(x · routerᵀ) over the
 * experts (in double precision), the topK largest of each row (the lower index first among equals),
 * divided by their sum when normTopk. choice [rows, topK] holds expert indices, weight [rows, topK].
 */
export function route(
  choice: Int32Array,
  weight: Float32Array,
  logits: Float32Array, // [rows, experts]
  rows: number,
  experts: number,
  topK: number,
  normTopk: boolean,
): void {
  const p = new Float64Array(experts);
  for (let r = 0; r < rows; r++) {
    const row = r * experts;
    let max = -Infinity;
    for (let e = 0; e < experts; e++) max = Math.max(max, logits[row + e]!);
    let sum = 0;
    for (let e = 0; e < experts; e++) sum += p[e] = Math.exp(logits[row + e]! - max);
    for (let e = 0; e < experts; e++) p[e]! /= sum;
    let chosenSum = 0;
    for (let j = 0; j < topK; j++) {
      let best = -1;
      for (let e = 0; e < experts; e++) if (p[e]! >= 0 && (best < 0 || p[e]! > p[best]!)) best = e;
      choice[r * topK + j] = best;
      weight[r * topK + j] = p[best]!;
      chosenSum += p[best]!;
      p[best] = -1; // taken
    }
    if (normTopk) for (let j = 0; j < topK; j++) weight[r * topK + j] = weight[r * topK + j]! / chosenSum;
  }
}

/**
 * out [rows, d] = Σ over each row's chosen experts e of weight · down_e(act(gate_e(x)) · up_e(x)).
 * The rows choosing one expert are gathered and run through it together, expert by expert in index
 * order, so an expert no row chose is never read.
 */
export function moe(
  out: Float32Array,
  x: Float32Array, // [rows, d]
  rows: number,
  d: number,
  hidden: number,
  topK: number,
  normTopk: boolean,
  act: ActivationKernel,
  router: Matrix, // [experts, d]
  experts: readonly Expert[],
): void {
  const count = experts.length;
  const logits = new Float32Array(rows * count);
  linear(logits, x, rows, d, count, router);
  const choice = new Int32Array(rows * topK);
  const weight = new Float32Array(rows * topK);
  route(choice, weight, logits, rows, count, topK, normTopk);
  out.fill(0, 0, rows * d);
  const picked = new Int32Array(rows);
  const scale = new Float32Array(rows);
  for (let e = 0; e < count; e++) {
    let n = 0;
    for (let i = 0; i < rows * topK; i++) {
      if (choice[i] !== e) continue;
      picked[n] = (i / topK) | 0;
      scale[n++] = weight[i]!;
    }
    if (n === 0) continue;
    const xs = new Float32Array(n * d); // [n, d]: the rows routed to e
    for (let j = 0; j < n; j++) xs.set(x.subarray(picked[j]! * d, picked[j]! * d + d), j * d);
    const [gate, up, down] = experts[e]!;
    const g = new Float32Array(n * hidden); // [n, hidden]
    const u = new Float32Array(n * hidden); // [n, hidden]
    linear(g, xs, n, d, hidden, gate);
    linear(u, xs, n, d, hidden, up);
    act(g, g, n * hidden);
    for (let i = 0; i < n * hidden; i++) g[i] = g[i]! * u[i]!;
    const y = new Float32Array(n * d); // [n, d]
    linear(y, g, n, hidden, d, down);
    for (let j = 0; j < n; j++) {
      const o = picked[j]! * d;
      for (let c = 0; c < d; c++) out[o + c] = out[o + c]! + scale[j]! * y[j * d + c]!;
    }
  }
}
