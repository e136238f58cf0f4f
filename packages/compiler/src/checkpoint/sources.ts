// The source of a mapping: a stored tensor name, `first_of(…)` alternatives for optional tensors,
// or `concat(axis, …)` of several stored tensors.
import { closestMatch, diagnostic, type Call, type Diagnostic, type StringLit } from '@tdl/dsl';
import { evalArg } from './constants.js';
import { substitute } from './pattern.js';
import type { PlanSource } from '@tdl/runtime/contract';
import { fmt, type Shape, type ShapeProblem } from './transforms.js';

export interface SourceForm {
  /** The stored-name patterns it reads, for the placeholder check. */
  readonly strings: readonly StringLit[];
  /** The plan source that produces a tensor of `shape`, for one set of placeholder values. */
  build(shape: Shape, bindings: ReadonlyMap<string, string>): PlanSource | ShapeProblem;
}

const SOURCE_FUNCTIONS = ['concat', 'first_of', 'tied'];

/** Reads a mapping's source; pushes E0505/E0507 diagnostics and returns undefined on a problem. */
export function resolveSource(source: StringLit | Call, consts: Readonly<Record<string, number>>, out: Diagnostic[]): SourceForm | undefined {
  if (source.kind === 'String') {
    return { strings: [source], build: (shape, b) => ({ kind: 'tensor', tensor: { names: [substitute(source.value, b)], shape } }) };
  }
  const name = source.callee.name;
  if (!SOURCE_FUNCTIONS.includes(name)) {
    const near = closestMatch(name, SOURCE_FUNCTIONS);
    out.push(
      diagnostic('E0505', source.callee.span, `unknown source '${name}'`, {
        label: near ? `did you mean '${near}'?` : 'a source is a "tensor.name", first_of("a", "b"), tied("head", "embedding") or concat(axis, "a", "b")',
      }),
    );
    return undefined;
  }
  if (name === 'tied') return tied(source, out);
  return name === 'first_of' ? firstOf(source, out) : concat(source, consts, out);
}

function stringArgs(call: Call, from: number, out: Diagnostic[]): StringLit[] | undefined {
  const strings: StringLit[] = [];
  for (const a of call.args.slice(from)) {
    if (a.name) continue;
    if (a.value.kind !== 'String') {
      out.push(diagnostic('E0507', a.span, `${call.callee.name} takes stored tensor names as strings`, { label: 'write the name in quotes' }));
      return undefined;
    }
    strings.push(a.value);
  }
  return strings;
}

function firstOf(call: Call, out: Diagnostic[]): SourceForm | undefined {
  const named = call.args.find((a) => a.name);
  if (named) {
    out.push(diagnostic('E0507', named.span, 'first_of takes only names', { label: 'as in first_of("lm_head.weight", "model.embed_tokens.weight")' }));
    return undefined;
  }
  const strings = stringArgs(call, 0, out);
  if (!strings) return undefined;
  if (strings.length < 2) {
    out.push(diagnostic('E0507', call.span, 'first_of needs two or more names to choose from', { label: 'with one name, write the name alone' }));
    return undefined;
  }
  return { strings, build: (shape, b) => ({ kind: 'tensor', tensor: { names: strings.map((s) => substitute(s.value, b)), shape } }) };
}

/** `tied("lm_head.weight", "model.embed_tokens.weight")`: the head, or the embedding when the config ties them. */
export function tiedNames(call: Call, out: Diagnostic[]): readonly [StringLit, StringLit] | undefined {
  const strings = call.args.some((a) => a.name) ? undefined : stringArgs(call, 0, out);
  if (!strings || strings.length !== 2) {
    out.push(diagnostic('E0507', call.span, 'tied takes two names: the head, then the embedding it is tied to', { label: 'as in tied("lm_head.weight", "model.embed_tokens.weight")' }));
    return undefined;
  }
  return [strings[0]!, strings[1]!];
}

function tied(call: Call, out: Diagnostic[]): SourceForm | undefined {
  const names = tiedNames(call, out);
  if (!names) return undefined;
  return { strings: [...names], build: (shape, b) => ({ kind: 'tensor', tensor: { names: names.map((s) => substitute(s.value, b)), shape, tie: true } }) };
}

function concat(call: Call, consts: Readonly<Record<string, number>>, out: Diagnostic[]): SourceForm | undefined {
  const usage = 'concat(axis, "a", "b", …, sizes = [..], groups = g)';
  const [axisArg] = call.args;
  if (!axisArg || axisArg.name || axisArg.value.kind === 'String') {
    out.push(diagnostic('E0507', axisArg?.span ?? call.span, 'concat needs the axis first', { label: usage }));
    return undefined;
  }
  const axisValue = evalArg(axisArg.value, consts, out);
  if (!axisValue) return undefined;
  if (axisValue.kind !== 'int') {
    out.push(diagnostic('E0507', axisArg.span, 'the axis of concat is a whole number', { label: usage }));
    return undefined;
  }
  let sizes: readonly number[] | undefined;
  let groups = 1;
  for (const a of call.args.slice(1)) {
    if (!a.name) continue;
    const v = evalArg(a.value, consts, out);
    if (!v) return undefined;
    if (a.name.name === 'sizes' && v.kind === 'ints') sizes = v.values;
    else if (a.name.name === 'groups' && v.kind === 'int' && v.value >= 1) groups = v.value;
    else {
      out.push(diagnostic('E0507', a.span, `concat takes sizes = [..] and groups = n (n ≥ 1), not this '${a.name.name}'`, { label: usage }));
      return undefined;
    }
  }
  const strings = stringArgs(call, 1, out);
  if (!strings) return undefined;
  if (strings.length < 2) {
    out.push(diagnostic('E0507', call.span, 'concat needs two or more stored tensors', { label: usage }));
    return undefined;
  }
  if (sizes && sizes.length !== strings.length) {
    out.push(diagnostic('E0507', call.span, `concat has ${strings.length} tensors but ${sizes.length} sizes`, { label: usage }));
    return undefined;
  }
  return {
    strings,
    build(shape, b) {
      const rank = shape.length;
      const axis = axisValue.value < 0 ? rank + axisValue.value : axisValue.value;
      if (axis < 0 || axis >= rank) return { problem: `a tensor ${fmt(shape)} has no axis ${axisValue.value}`, span: axisArg.span };
      const whole = shape[axis]!;
      const n = strings.length;
      const parts = sizes ?? (whole % n === 0 ? new Array<number>(n).fill(whole / n) : undefined);
      if (!parts) return { problem: `${whole} along axis ${axis} is not ${n} equal parts`, hint: `give the sizes: concat(${axisValue.value}, …, sizes = [..])` };
      const total = parts.reduce((x, y) => x + y, 0);
      if (total !== whole) return { problem: `the sizes [${parts.join(', ')}] add up to ${total}, but the next step needs ${whole} along axis ${axis} (${fmt(shape)})` };
      const ungrouped = parts.find((z) => z % groups !== 0);
      if (ungrouped !== undefined) return { problem: `${groups} groups do not divide a part of ${ungrouped}` };
      return {
        kind: 'concat',
        axis,
        groups,
        parts: strings.map((s, j) => ({ names: [substitute(s.value, b)], shape: shape.map((d, k) => (k === axis ? parts[j]! : d)) })),
      };
    },
  };
}
