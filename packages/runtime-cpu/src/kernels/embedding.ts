// Lookups and position tables: embedding rows, absolute positions, the sinusoidal table.
import { PackedMatrix } from '../arena.js';
import { QuantMatrix } from '../quant/matrix.js';
import type { Matrix } from './linear.js';

/** out [rows, d] = table[ids[r]] for each row; ids were validated against the table's n rows. */
export function embedding(out: Float32Array, ids: Int32Array, rows: number, d: number, table: Matrix): void {
  if (table instanceof PackedMatrix || table instanceof QuantMatrix) {
    // A table tied to an output head is packed for the linear kernel (as floats or as blocks).
    for (let r = 0; r < rows; r++) table.readRow(ids[r]!, out.subarray(r * d, r * d + d));
    return;
  }
  for (let r = 0; r < rows; r++) out.set(table.subarray(ids[r]! * d, ids[r]! * d + d), r * d);
}

/** out [rows] = start + r + offset: the absolute positions of the new tokens. */
export function positions(out: Int32Array, rows: number, start: number, offset: number): void {
  for (let r = 0; r < rows; r++) out[r] = start + r + offset;
}

/** out [rows, d]: sin(p / base^(2i/d)) on channel 2i, cos on channel 2i + 1. */
export function sinusoidal(out: Float32Array, pos: Int32Array, rows: number, d: number, base: number): void {
  for (let r = 0; r < rows; r++) {
    const p = pos[r]!;
    for (let i = 0; i < d; i += 2) {
      const angle = p / Math.pow(base, i / d);
      out[r * d + i] = Math.sin(angle);
      out[r * d + i + 1] = Math.cos(angle);
    }
  }
}
