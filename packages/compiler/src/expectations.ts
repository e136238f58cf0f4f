// Expectations a model file declares (`claim …`): read from the AST and checked for form here, so
// `tdl check` reports a malformed one; `tdl test` (@tdl/testing) checks that they hold.
import { diagnostic, type Diagnostic, type Expr, type ModelDecl, type Span } from '@tdl/dsl';

/** The properties `tdl test` derives, by name: declared once here, where expectations name them. */
export const PROPERTY_NAMES = ['shapes', 'causality', 'kv-cache', 'window', 'memory', 'threads', 'kernels', 'namings', 'params', 'webgpu'] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];

export type Expectation =
  /** `claim params(TOTAL, name = value …)`: the parameter count at those constants (the file's own otherwise). */
  | { readonly kind: 'params'; readonly total: number; readonly set: Readonly<Record<string, number>>; readonly span: Span }
  /** `claim holds(causality, window)`: these properties apply to the model and pass. */
  | { readonly kind: 'holds'; readonly properties: readonly PropertyName[]; readonly span: Span }
  /** `claim not_applicable(window)`: these properties do not apply (the model claims it has no such structure). */
  | { readonly kind: 'not_applicable'; readonly properties: readonly PropertyName[]; readonly span: Span }
  /** `claim equiv("other.tdl", naming = hf)`: the other file, relative to this one, computes the same function. */
  | { readonly kind: 'equiv'; readonly file: string; readonly naming?: string; readonly span: Span };

const FORMS = 'params(TOTAL, name = value …), holds(property, …), not_applicable(property, …) or equiv("file.tdl", naming = name)';

/** Reads every `claim` of `model`; `consts` are its constants (the names `params` may set). */
export function readExpectations(model: ModelDecl, consts: Readonly<Record<string, number>>): { expectations: Expectation[]; diagnostics: Diagnostic[] } {
  const expectations: Expectation[] = [];
  const diagnostics: Diagnostic[] = [];
  const bad = (span: Span, message: string, label?: string) => diagnostics.push(diagnostic('E0216', span, message, label ? { label } : {}));
  for (const item of model.items) {
    if (item.kind !== 'Claim') continue;
    const claim = item.claim;
    if (claim.kind !== 'Call' || claim.label) {
      bad(claim.span, 'a claim is a call', `write ${FORMS}`);
      continue;
    }
    const args = claim.args;
    const positional = args.filter((a) => !a.name);
    const named = args.filter((a) => a.name);
    switch (claim.callee.name) {
      case 'params': {
        const total = positional[0]?.value;
        if (positional.length !== 1 || !total || total.kind !== 'Number' || !total.isInteger || total.value < 0) {
          bad(total?.span ?? claim.span, 'params(…) takes one whole number, the parameter count', 'then name = value for the constants it is counted at');
          continue;
        }
        const set: Record<string, number> = {};
        let ok = true;
        for (const a of named) {
          const name = a.name!.name;
          const value = numberOf(a.value);
          if (!(name in consts)) {
            bad(a.name!.span, `model '${model.name.name}' has no constant '${name}'`, `its constants are ${Object.keys(consts).join(', ')}`);
            ok = false;
          } else if (value === undefined) {
            bad(a.value.span, `the value of '${name}' must be a number`);
            ok = false;
          } else set[name] = value;
        }
        if (ok) expectations.push({ kind: 'params', total: total.value, set, span: claim.span });
        break;
      }
      case 'holds':
      case 'not_applicable': {
        const properties: PropertyName[] = [];
        for (const a of args) {
          const v = a.value;
          if (a.name || v.kind !== 'Name' || !(PROPERTY_NAMES as readonly string[]).includes(v.name)) {
            bad(v.span, `${claim.callee.name}(…) takes property names`, `the properties are ${PROPERTY_NAMES.join(', ')}`);
            continue;
          }
          properties.push(v.name as PropertyName);
        }
        if (!args.length) bad(claim.span, `${claim.callee.name}(…) needs at least one property`, `the properties are ${PROPERTY_NAMES.join(', ')}`);
        else if (properties.length === args.length) expectations.push({ kind: claim.callee.name, properties, span: claim.span });
        break;
      }
      case 'equiv': {
        const file = positional[0]?.value;
        const naming = named.find((a) => a.name!.name === 'naming');
        const other = named.find((a) => a.name!.name !== 'naming');
        if (positional.length !== 1 || !file || file.kind !== 'String') bad(file?.span ?? claim.span, 'equiv(…) takes the other model file as a string', 'a path relative to this file');
        else if (other) bad(other.name!.span, `equiv(…) has no argument '${other.name!.name}'`, 'it takes naming = NAME');
        else if (naming && naming.value.kind !== 'Name') bad(naming.value.span, 'naming = takes the name of a checkpoint section');
        else expectations.push({ kind: 'equiv', file: file.value, ...(naming && naming.value.kind === 'Name' ? { naming: naming.value.name } : {}), span: claim.span });
        break;
      }
      default:
        bad(claim.callee.span, `no expectation '${claim.callee.name}'`, `write ${FORMS}`);
    }
  }
  return { expectations, diagnostics };
}

function numberOf(e: Expr): number | undefined {
  if (e.kind === 'Number') return e.value;
  if (e.kind === 'Unary' && e.op === '-' && e.operand.kind === 'Number') return -e.operand.value;
  return undefined;
}
