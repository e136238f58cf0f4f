// Binds the arguments of a checkpoint transform or source function to its declared parameters.
import { closestMatch, diagnostic, type Arg, type Diagnostic, type Span } from '@tdl/dsl';
import { evalArg, type ArgValue } from './constants.js';

export interface ArgSpec {
  readonly name: string;
  readonly kind: 'int' | 'ints';
  /** Absent arguments without a default stay unset (the transform decides). */
  readonly optional?: boolean;
}

export interface BoundArg {
  readonly value: ArgValue;
  readonly span: Span;
}

export type BoundArgs = ReadonlyMap<string, BoundArg>;

/** Binds positional then named arguments; pushes E0507 diagnostics and returns undefined on a problem. */
export function bindArgs(
  what: string,
  specs: readonly ArgSpec[],
  args: readonly Arg[],
  callSpan: Span,
  consts: Readonly<Record<string, number>>,
  out: Diagnostic[],
): BoundArgs | undefined {
  const bound = new Map<string, BoundArg>();
  let ok = true;
  const fail = (span: Span, message: string, label?: string) => {
    out.push(diagnostic('E0507', span, message, label !== undefined ? { label } : {}));
    ok = false;
  };
  const usage = `${what}(${specs.map((s) => (s.optional ? `${s.name}?` : s.name)).join(', ')})`;
  args.forEach((arg, i) => {
    const spec = arg.name ? specs.find((s) => s.name === arg.name!.name) : specs[i];
    if (!spec) {
      if (arg.name) {
        const near = closestMatch(arg.name.name, specs.map((s) => s.name));
        fail(arg.name.span, `${what} has no argument '${arg.name.name}'`, near ? `did you mean '${near}'?` : `it takes ${usage}`);
      } else fail(arg.span, `${what} takes at most ${specs.length} argument${specs.length === 1 ? '' : 's'}`, `it takes ${usage}`);
      return;
    }
    if (bound.has(spec.name)) return fail(arg.span, `${what}: '${spec.name}' is given twice`);
    const value = evalArg(arg.value, consts, out);
    if (!value) return void (ok = false);
    if (value.kind !== spec.kind) {
      return fail(arg.value.span, `${what}: '${spec.name}' is ${spec.kind === 'int' ? 'a whole number' : 'a list of whole numbers such as [d, d]'}`);
    }
    bound.set(spec.name, { value, span: arg.span });
  });
  for (const s of specs) if (!s.optional && !bound.has(s.name) && ok) fail(callSpan, `${what} needs '${s.name}'`, `it takes ${usage}`);
  return ok ? bound : undefined;
}

export function intArg(args: BoundArgs, name: string): number | undefined {
  const a = args.get(name);
  return a && a.value.kind === 'int' ? a.value.value : undefined;
}

export function intsArg(args: BoundArgs, name: string): readonly number[] | undefined {
  const a = args.get(name);
  return a && a.value.kind === 'ints' ? a.value.values : undefined;
}
