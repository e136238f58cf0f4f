// A config section's rules read into a checked form: which constant, which config.json keys (first
// present wins; dotted keys reach into objects), the default when none is present, the values allowed.
import type { Arg, ConfigDecl, Expr, MappingRule, Span, StringLit } from '@tdl/dsl';

export interface ConfigRule {
  /** The constant the rule sets; undefined for `_`, a rule that only checks a setting. */
  readonly constant?: string;
  /** The keys to try, in order (`first_of("n_embd", "hidden_size")`), each a path (`rope_scaling.factor`). */
  readonly keys: readonly (readonly string[])[];
  readonly default?: Expr;
  /** `if_null(v)`: the value when the key is present and null (a setting transformers reads as off). */
  readonly ifNull?: Expr;
  /** `expect(a, b, …)`: the values the model file computes correctly. */
  readonly expect?: readonly Expr[];
  readonly rule: MappingRule;
}

/** What a model file claims: the `model_type` values and `architectures` entries of folders it is for. */
export interface ConfigClaims {
  readonly modelTypes: readonly string[];
  readonly architectures: readonly string[];
}

export interface ConfigSection {
  readonly name: string;
  readonly claims: ConfigClaims;
  readonly rules: readonly ConfigRule[];
  readonly decl: ConfigDecl;
}

/** One problem with the section's form, with the span to point at. */
export interface FormProblem {
  readonly message: string;
  readonly label?: string;
  readonly at: { readonly span: Span };
}

/**
 * The one setting a config rule may give that is not a constant: whether the head is tied to the
 * embedding, which decides what the checkpoint's `tied(head, embedding)` sources read.
 */
export const TIED = 'tied';

function strings(e: Expr): StringLit[] | undefined {
  if (e.kind === 'String') return [e];
  if (e.kind === 'List' && e.items.every((i) => i.kind === 'String')) return e.items as StringLit[];
  return undefined;
}

function readClaims(args: readonly Arg[], problems: FormProblem[]): ConfigClaims {
  const modelTypes: string[] = [];
  const architectures: string[] = [];
  for (const a of args) {
    const name = a.name?.name;
    const values = strings(a.value);
    if (name !== 'model_type' && name !== 'architectures') {
      problems.push({ message: 'a config section claims folders by `model_type = "…"` and `architectures = ["…"]`', at: a });
      continue;
    }
    if (!values) {
      problems.push({ message: `${name} is a string or a list of strings`, at: a.value });
      continue;
    }
    (name === 'model_type' ? modelTypes : architectures).push(...values.map((s) => s.value));
  }
  return { modelTypes, architectures };
}

function readKeys(rule: MappingRule, problems: FormProblem[]): string[][] | undefined {
  const src = rule.source;
  if (src.kind === 'String') return [src.value.split('.')];
  if (src.callee.name !== 'first_of' || src.args.some((a) => a.name || a.value.kind !== 'String') || src.args.length < 2) {
    problems.push({ message: 'a config rule reads a "key", or first_of("key", "other_key", …)', at: src });
    return undefined;
  }
  return src.args.map((a) => (a.value as StringLit).value.split('.'));
}

/** The section's rules in checked form; problems of form go to `problems`. */
export function readSection(decl: ConfigDecl, problems: FormProblem[]): ConfigSection {
  const rules: ConfigRule[] = [];
  for (const rule of decl.rules) {
    const segs = rule.target.segments;
    const first = segs[0];
    if (segs.length !== 1 || first?.kind !== 'Name') {
      problems.push({ message: 'a config rule sets one constant, or `_` to only check a setting', at: rule.target });
      continue;
    }
    const keys = readKeys(rule, problems);
    if (!keys) continue;
    let dflt: Expr | undefined;
    let ifNull: Expr | undefined;
    let expect: Expr[] | undefined;
    for (const tr of rule.transforms) {
      const args = tr.args.filter((a) => !a.name).map((a) => a.value);
      if (tr.name.name === 'default' && args.length === 1 && dflt === undefined && tr.args.length === 1) dflt = args[0];
      else if (tr.name.name === 'if_null' && args.length === 1 && ifNull === undefined && tr.args.length === 1) ifNull = args[0];
      else if (tr.name.name === 'expect' && args.length >= 1 && expect === undefined && tr.args.length === args.length) expect = args;
      else {
        problems.push({ message: `'${tr.name.name}' is not a config step here`, label: 'a config rule may end in `| default(value)`, `| if_null(value)` and `| expect(value, …)`, once each', at: tr });
      }
    }
    const constant = first.name === '_' ? undefined : first.name;
    if (constant === undefined && !expect) {
      problems.push({ message: 'a rule for `_` sets nothing, so it needs `| expect(…)`', at: rule.target });
      continue;
    }
    rules.push({ ...(constant !== undefined ? { constant } : {}), keys, ...(dflt ? { default: dflt } : {}), ...(ifNull ? { ifNull } : {}), ...(expect ? { expect } : {}), rule });
  }
  return { name: decl.name.name, claims: readClaims(decl.claims, problems), rules, decl };
}
