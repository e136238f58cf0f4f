// Binds a call's arguments to an operator's or block's parameters: positional, named, defaults, kinds.
import { closestMatch, diagnostic, type Call, type Diagnostic } from '@tdl/dsl';
import { describeWhole, inexactWhole } from '../ir/limits.js';
import { ACCEPTS, type ArgSpec } from '../ops/op.js';
import { describeKind, type Located } from './values.js';

export interface BindResult {
  readonly args: Map<string, Located>;
  readonly diagnostics: Diagnostic[];
}

/**
 * Matches evaluated arguments to `specs`. Kinds are checked for ops (blocks pass `checkKinds = false`:
 * their parameters take anything). Problems are reported, and the offending argument becomes an error value.
 */
export function bindArgs(
  call: Call,
  what: string,
  specs: readonly Pick<ArgSpec, 'name' | 'kind' | 'default'>[],
  values: readonly Located[],
  checkKinds: boolean,
): BindResult {
  const diagnostics: Diagnostic[] = [];
  const args = new Map<string, Located>();
  const names = specs.map((s) => s.name);
  let position = 0;
  call.args.forEach((arg, i) => {
    const value = values[i]!;
    let spec: (typeof specs)[number] | undefined;
    if (arg.name) {
      spec = specs.find((s) => s.name === arg.name!.name);
      if (!spec) {
        const guess = closestMatch(arg.name.name, names);
        diagnostics.push(
          diagnostic('E0203', arg.name.span, `${what} has no argument '${arg.name.name}'`, {
            label: guess ? `did you mean '${guess}'?` : `its arguments are ${names.join(', ')}`,
          }),
        );
        return;
      }
    } else {
      while (position < specs.length && args.has(specs[position]!.name)) position++;
      spec = specs[position++];
      if (!spec) {
        diagnostics.push(diagnostic('E0212', arg.span, `${what} takes at most ${specs.length} arguments`, { label: 'this one is extra' }));
        return;
      }
    }
    if (args.has(spec.name)) {
      diagnostics.push(diagnostic('E0205', arg.span, `argument '${spec.name}' of ${what} is given twice`));
      return;
    }
    args.set(spec.name, checkKinds ? checkKind(spec, value, what, diagnostics) : value);
  });
  for (const spec of specs) {
    if (spec.default === undefined && !args.has(spec.name)) {
      diagnostics.push(
        diagnostic('E0204', call.callee.span, `${what} needs argument '${spec.name}'`, { label: `add \`${spec.name} = …\`` }),
      );
    }
  }
  return { args, diagnostics };
}

function checkKind(spec: Pick<ArgSpec, 'name' | 'kind'>, arg: Located, what: string, out: Diagnostic[]): Located {
  const v = arg.value;
  if (v.kind === 'error') return arg;
  if (!ACCEPTS[spec.kind].includes(v.kind)) {
    out.push(
      diagnostic('E0206', arg.span, `argument '${spec.name}' of ${what} must be ${KIND_NAMES[spec.kind]}`, {
        label: `this is ${describeKind(v)}`,
      }),
    );
    return { value: { kind: 'error' }, span: arg.span };
  }
  if (spec.kind === 'int' && v.kind === 'number' && !Number.isInteger(v.value)) {
    out.push(diagnostic('E0209', arg.span, `argument '${spec.name}' of ${what} must be an integer`, { label: `this is ${Number(v.value.toPrecision(6))}` }));
    return { value: { kind: 'error' }, span: arg.span };
  }
  const inexact = spec.kind === 'int' && v.kind === 'number' ? inexactWhole(v.value) : undefined;
  if (inexact && v.kind === 'number') {
    out.push(diagnostic('E0214', arg.span, `argument '${spec.name}' of ${what} is ${describeWhole(v.value)}, too large to be a size`, { label: inexact }));
    return { value: { kind: 'error' }, span: arg.span };
  }
  return arg;
}

const KIND_NAMES: Record<ArgSpec['kind'], string> = {
  tensor: 'a tensor',
  int: 'an integer',
  number: 'a number',
  bool: '`true` or `false`',
  dim: 'a dimension such as T',
  mask: 'a mask (`causal`, `sliding(w)` or `none`)',
  position: 'a position encoding (`rope(…)`, `alibi` or `none`)',
  activation: 'an activation function name',
  layout: '`half` or `interleaved`',
  qk_norm: '`head`, `all` or `none`',
  string: 'a string',
  numbers: 'a list of numbers (`[1, 1.5]`)',
  label: "an op's label (or `none`)",
};
