// A weight matrix kept in a ggml block format (Q8_0, Q4_0) as its file stores it: the blocks of each row
// one after another, read directly by the linear_q kernel (wasm/quant-linear.wat.ts).
import { dequantizeQ4_0, dequantizeQ8_0, quantizeQ4_0, quantizeQ8_0, UsageError } from '@tdl/runtime';
import type { Arena } from '../arena.js';
import { QUANT_BLOCK_BYTES, type QuantFormat } from '../wasm/quant-linear.wat.js';

export { QUANT_FORMAT_TABLE, type QuantFormat } from '../wasm/quant-linear.wat.js';

export class QuantMatrix {
  constructor(
    readonly arena: Arena,
    /** Weight rows: the outputs of y = W·x. */
    readonly rows: number,
    /** Weight columns: the inputs, a multiple of 32. */
    readonly cols: number,
    readonly format: QuantFormat,
    /** rows × cols/32 blocks in the kernel memory. */
    readonly data: Uint8Array,
  ) {}

  /** Row `r` decoded to f32 into `out` (a table tied to an output head is looked up this way). */
  readRow(r: number, out: Float32Array): void {
    const bytes = (this.cols / 32) * QUANT_BLOCK_BYTES[this.format];
    const row = this.data.subarray(r * bytes, (r + 1) * bytes);
    if (this.format === 'q8_0') dequantizeQ8_0(row, this.cols, out);
    else dequantizeQ4_0(row, this.cols, out);
  }
}

/** Bytes of a [rows, cols] matrix in `format`. */
export function quantBytes(rows: number, cols: number, format: QuantFormat): number {
  return rows * (cols / 32) * QUANT_BLOCK_BYTES[format];
}

/** Whether a [rows, cols] matrix can be kept in a block format: its rows are whole blocks of 32. */
export function quantizable(cols: number): boolean {
  return cols % 32 === 0;
}

/** A row-major f32 matrix (rows of whole blocks) as `format`'s blocks, rounded as ggml's reference quantizers do. */
export function quantizeMatrix(w: Float32Array, format: QuantFormat): Uint8Array {
  switch (format) {
    case 'q8_0':
      return quantizeQ8_0(w);
    case 'q4_0':
      return quantizeQ4_0(w);
  }
}

/**
 * Checks blocks before they are used: the size matches [rows, cols], cols is whole blocks, and no scale is
 * an f16 infinity or NaN (the kernel widens only finite halves), naming the weight when it is given.
 */
export function checkQuantBlocks(blocks: Uint8Array, rows: number, cols: number, format: QuantFormat, name?: string): void {
  const what = name !== undefined ? `weight '${name}'` : 'a weight';
  if (cols % 32 !== 0) throw new UsageError(`${what} has ${cols} columns; ${format} stores rows in blocks of 32`);
  const need = quantBytes(rows, cols, format);
  if (blocks.byteLength !== need) throw new UsageError(`${what} is ${format} [${rows}, ${cols}] (${need} bytes) but ${blocks.byteLength} bytes were given`);
  const size = QUANT_BLOCK_BYTES[format];
  for (let at = 0; at < blocks.byteLength; at += size) {
    if ((blocks[at + 1]! & 0x7c) === 0x7c) throw new UsageError(`${what} has a block scale that is infinite or NaN (block ${at / size})`);
  }
}
