// The layout transforms of checkpoint mappings (`| transpose`, `| split(0)` …). Each says, from the
// shapes it must produce, which shapes it takes: the compiler runs a mapping backwards from the
// parameters' shapes to the shape the stored tensor must have.
import type { Span } from '@tdl/dsl';
import { intArg, intsArg, type ArgSpec, type BoundArgs } from './args.js';
import type { PlanOp } from '@tdl/runtime/contract';

export type Shape = readonly number[];

/** Why a transform cannot produce the shapes asked of it. */
export interface ShapeProblem {
  readonly problem: string;
  /** What to write instead, when there is a likely fix. */
  readonly hint?: string;
  /** The argument at fault, when it is one. */
  readonly span?: Span;
}

export type Inferred = { readonly before: readonly Shape[]; readonly op: PlanOp } | ShapeProblem;

export interface TransformDef {
  readonly name: string;
  /** One line for the docs and for "did you mean". */
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  /** From the shapes of the tensors after the transform, the shapes before it and the op to run. */
  infer(args: BoundArgs, after: readonly Shape[]): Inferred;
}

export const fmt = (s: Shape): string => `[${s.join(', ')}]`;
const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** An axis counted from the end when negative; undefined when out of range. */
function axisOf(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 0 && a < rank ? a : undefined;
}

const transpose: TransformDef = {
  name: 'transpose',
  summary: 'swaps two axes (both axes of a matrix when none are given): Conv1D weights stored [in, out]',
  args: [
    { name: 'dim0', kind: 'int', optional: true },
    { name: 'dim1', kind: 'int', optional: true },
  ],
  infer(args, after) {
    const given = args.has('dim0') || args.has('dim1');
    const before: Shape[] = [];
    let axes: [number, number] = [0, 1];
    for (const s of after) {
      if (s.length < 2) return { problem: `transpose swaps two axes, but this tensor is ${fmt(s)}`, hint: 'a vector has one axis: map it on a line of its own, without `transpose`' };
      if (!given && s.length !== 2) return { problem: `transpose without axes swaps the two axes of a matrix, but this tensor is ${fmt(s)}`, hint: 'name the axes: transpose(0, 1)' };
      const a = axisOf(intArg(args, 'dim0') ?? 0, s.length);
      const b = axisOf(intArg(args, 'dim1') ?? 1, s.length);
      if (a === undefined || b === undefined) return { problem: `a tensor ${fmt(s)} has no axis ${a === undefined ? intArg(args, 'dim0') : intArg(args, 'dim1')}`, span: args.get(a === undefined ? 'dim0' : 'dim1')?.span };
      axes = [a, b];
      const t = [...s];
      [t[a], t[b]] = [t[b]!, t[a]!];
      before.push(t);
    }
    return { before, op: { op: 'transpose', axes } };
  },
};

const split: TransformDef = {
  name: 'split',
  summary: 'splits one tensor into the parameters of a `( … )` list: equal parts, given `sizes`, or per group (`groups = heads`)',
  args: [
    { name: 'axis', kind: 'int' },
    { name: 'sizes', kind: 'ints', optional: true },
    { name: 'groups', kind: 'int', optional: true },
  ],
  infer(args, after) {
    const n = after.length;
    if (n < 2) return { problem: 'a split fills several parameters, but this mapping has one tensor to fill here', hint: 'list the parameters in the target, as in `attn.(q, k, v).weight`, or drop the split' };
    const first = after[0]!;
    if (after.some((s) => s.length !== first.length)) return { problem: `the parameters have different ranks: ${after.map(fmt).join(', ')}` };
    const axis = axisOf(intArg(args, 'axis')!, first.length);
    if (axis === undefined) return { problem: `a tensor ${fmt(first)} has no axis ${intArg(args, 'axis')}`, span: args.get('axis')?.span };
    for (let k = 0; k < first.length; k++) {
      if (k !== axis && after.some((s) => s[k] !== first[k])) {
        return { problem: `the parameters ${after.map(fmt).join(', ')} differ on axis ${k}, so they are not parts of one tensor split along axis ${axis}` };
      }
    }
    const actual = after.map((s) => s[axis]!);
    const sizes = intsArg(args, 'sizes');
    if (sizes) {
      if (sizes.length !== n || sizes.some((z, j) => z !== actual[j])) {
        return { problem: `split sizes [${sizes.join(', ')}] do not match the parameters, which are [${actual.join(', ')}] along axis ${axis}`, span: args.get('sizes')?.span };
      }
    } else if (actual.some((z) => z !== actual[0])) {
      return { problem: `the parameters are not equal parts along axis ${axis}: ${actual.join(', ')}`, hint: `give the sizes: split(${intArg(args, 'axis')}, [${actual.join(', ')}])` };
    }
    const groups = intArg(args, 'groups') ?? 1;
    if (groups < 1) return { problem: `groups must be at least 1, got ${groups}`, span: args.get('groups')?.span };
    const bad = actual.find((z) => z % groups !== 0);
    if (bad !== undefined) return { problem: `${groups} groups do not divide a part of ${bad} along axis ${axis}`, span: args.get('groups')?.span };
    const before = [...first];
    before[axis] = actual.reduce((a, b) => a + b, 0);
    return { before: [before], op: { op: 'split', axis, sizes: actual, groups } };
  },
};

const reshape: TransformDef = {
  name: 'reshape',
  summary: 'the stored tensor has the shape `from` (one entry may be -1) and is read row-major in the shape the rest needs',
  args: [{ name: 'from', kind: 'ints' }],
  infer(args, after) {
    const from = intsArg(args, 'from')!;
    const span = args.get('from')?.span;
    const before: Shape[] = [];
    for (const s of after) {
      const free = from.filter((d) => d === -1).length;
      if (free > 1 || from.some((d) => d < -1 || d === 0)) return { problem: `reshape takes positive sizes and at most one -1, got [${from.join(', ')}]`, span };
      const known = from.reduce((a, d) => (d === -1 ? a : a * d), 1);
      const whole = numel(s);
      if (free ? whole % known !== 0 : known !== whole) {
        return { problem: `a stored [${from.join(', ')}] holds ${free ? 'no whole multiple of' : known} values${free ? ` ${known}` : ''}, but the next step needs ${fmt(s)} (${whole} values)`, span };
      }
      before.push(from.map((d) => (d === -1 ? whole / known : d)));
    }
    return { before, op: { op: 'reshape' } };
  },
};

function ropePermutation(name: string, to: 'half' | 'interleaved', from: string): TransformDef {
  return {
    name,
    summary: `reorders each head's rows (axis 0) from the ${from} rotary layout to the ${to === 'half' ? 'rotate_half' : 'interleaved'} one`,
    args: [{ name: 'heads', kind: 'int' }],
    infer(args, after) {
      const heads = intArg(args, 'heads')!;
      if (heads < 1) return { problem: `heads must be at least 1, got ${heads}`, span: args.get('heads')?.span };
      for (const s of after) {
        if (s.length < 1 || s.length > 2) return { problem: `${name} reorders the rows of a matrix or a vector, but this tensor is ${fmt(s)}` };
        if (s[0]! % (2 * heads) !== 0) return { problem: `${s[0]} rows are not ${heads} heads of an even width`, span: args.get('heads')?.span };
      }
      return { before: after, op: { op: 'rope', to, heads } };
    },
  };
}

export const TRANSFORMS: ReadonlyMap<string, TransformDef> = new Map(
  [
    transpose,
    split,
    reshape,
    ropePermutation('interleaved_to_half', 'half', 'interleaved (Meta LLaMA, GPT-J)'),
    ropePermutation('half_to_interleaved', 'interleaved', 'rotate_half'),
  ].map((t) => [t.name, t]),
);
