// The layout operations against index formulas written independently, and their inverses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, numel, ropePermute, split, transpose, type Tensor } from '../../src/checkpoint/tensor-ops.js';

function iota(shape: number[]): Tensor {
  return { data: Float32Array.from({ length: numel(shape) }, (_, i) => i), shape };
}

/** Row-major strides. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

function unravel(i: number, shape: readonly number[]): number[] {
  return strides(shape).map((s, k) => Math.floor(i / s) % shape[k]!);
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe('layout operations', () => {
  it('transpose(a, b) puts x[..i..j..] at y[..j..i..]', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), fc.nat(), (shape, ra, rb) => {
        const a = ra % shape.length;
        const b = rb % shape.length;
        const x = iota(shape);
        const y = transpose(x, a, b);
        for (let i = 0; i < x.data.length; i++) {
          const idx = unravel(i, shape);
          [idx[a], idx[b]] = [idx[b]!, idx[a]!];
          const at = idx.reduce((n, v, k) => n + v * strides(y.shape)[k]!, 0);
          if (y.data[at] !== x.data[i]) return false;
        }
        return transpose(y, a, b).data.every((v, i) => v === x.data[i]);
      }),
    );
  });

  it('split then concat is the identity, and each part is the slice the formula names', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), (base, rAxis, perGroup, groups) => {
        const axis = rAxis % base.length;
        const sizes = perGroup.map((p) => p * groups);
        const shape = base.map((d, k) => (k === axis ? sizes.reduce((a, b) => a + b, 0) : d));
        const x = iota(shape);
        const parts = split(x, axis, sizes, groups);
        // Part j, index i along the axis: group g = floor(i / (size_j / groups)), and inside the group
        // it sits after the earlier parts' shares.
        for (let j = 0; j < parts.length; j++) {
          const per = sizes[j]! / groups;
          const before = sizes.slice(0, j).reduce((a, b) => a + b, 0) / groups;
          const block = shape[axis]! / groups;
          for (let i = 0; i < parts[j]!.data.length; i++) {
            const idx = unravel(i, parts[j]!.shape);
            const g = Math.floor(idx[axis]! / per);
            idx[axis] = g * block + before + (idx[axis]! % per);
            const at = idx.reduce((n, v, k) => n + v * strides(shape)[k]!, 0);
            if (parts[j]!.data[i] !== x.data[at]) return false;
          }
        }
        const back = concat(parts, axis, groups);
        return back.shape.join() === shape.join() && back.data.every((v, i) => v === x.data[i]);
      }),
    );
  });

  it("rope permutation: interleaved to half is Hugging Face's permute, and half to interleaved undoes it", () => {
    // convert_llama_weights_to_hf.py: w.view(heads, dim1 // heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)
    const heads = 3;
    const headDim = 4;
    const cols = 2;
    const w = iota([heads * headDim, cols]);
    const viewed = { data: w.data, shape: [heads, headDim / 2, 2, cols] };
    const hf = transpose(viewed, 1, 2);
    const mine = ropePermute(w, heads, 'half');
    expect(Array.from(mine.data)).toEqual(Array.from(hf.data));
    expect(Array.from(ropePermute(mine, heads, 'interleaved').data)).toEqual(Array.from(w.data));
    // A vector (a bias) is reordered the same way.
    const bias = iota([heads * headDim]);
    expect(Array.from(ropePermute(bias, heads, 'half').data)).toEqual(Array.from(transpose({ data: bias.data, shape: [heads, 2, 2] }, 1, 2).data));
  });
});
