// Compiles one `checkpoint NAME { … }` section against a model's parameters: every mapping matches
// parameters, each parameter is mapped exactly once, and the transforms fit the shapes. Errors point
// at the mapping line; a section without errors becomes a plan the runtime can apply.
import { closestMatch, diagnostic, type CheckpointDecl, type Diagnostic, type MappingRule } from '@tdl/dsl';
import type { Graph } from '../ir/nodes.js';
import { bindArgs, type BoundArgs } from './args.js';
import { explainNoMatch } from './explain.js';
import { matchTargets, namesLeftOutLayers, patternText, placeholders, type PossibleParam } from './pattern.js';
import type { CheckpointPlan, PlanCopy, PlanEntry, PlanSource, PlanStep, PlanTensor } from '@tdl/runtime/contract';
import { resolveSource, tiedNames, type SourceForm } from './sources.js';
import { fmt, TRANSFORMS, type Shape, type TransformDef } from './transforms.js';

interface SectionState {
  readonly graph: Graph;
  readonly names: readonly string[];
  /** Paths a layer of a repeat could have (`h.{i}.attn.q.weight`), though perhaps no layer has. */
  readonly possible: readonly PossibleParam[];
  readonly shapes: ReadonlyMap<string, Shape>;
  /** The rule that first mapped each parameter. */
  readonly mappedBy: Map<string, MappingRule>;
  /** The shape each stored tensor is read as, and the rule that first read it. */
  readonly stored: Map<string, { shape: Shape; rule: MappingRule }>;
  readonly out: Diagnostic[];
}

export function compileSection(decl: CheckpointDecl, graph: Graph, out: Diagnostic[], possible: readonly PossibleParam[] = []): CheckpointPlan | undefined {
  const before = out.length;
  const state: SectionState = {
    graph,
    names: graph.params.map((p) => p.name),
    possible,
    shapes: new Map(graph.params.map((p) => [p.name, p.shape])),
    mappedBy: new Map(),
    stored: new Map(),
    out,
  };
  const entries: PlanEntry[] = [];
  const ignore: string[] = [];
  const copies: PlanCopy[] = [];
  for (const rule of decl.rules) {
    if (isDiscard(rule) && rule.source.kind === 'Call' && rule.source.callee.name === 'tied' && !rule.transforms.length) {
      const names = tiedNames(rule.source, out);
      if (names) copies.push({ copy: names[0].value, of: names[1].value });
    } else if (isDiscard(rule)) {
      const pattern = ignoreRule(rule, out);
      if (pattern !== undefined) ignore.push(pattern);
    } else entries.push(...compileRule(rule, state));
  }
  reportUnmapped(decl, state);
  if (out.slice(before).some((d) => d.severity === 'error')) return undefined;
  // A copy rule checks a head the model does not read: where a mapping reads it (a file whose `tie`
  // constant unties the head), the stored head is the model's own and need not equal the embedding.
  const read = new Set(entries.flatMap((e) => (e.source.kind === 'tensor' ? [e.source.tensor] : e.source.parts).flatMap((t) => t.names)));
  const checked = copies.filter((c) => !read.has(c.copy));
  return { naming: decl.name.name, entries, ignore, ...(checked.length ? { copies: checked } : {}) };
}

const isDiscard = (rule: MappingRule) => rule.target.segments.length === 1 && rule.target.segments[0]!.kind === 'Name' && rule.target.segments[0]!.name === '_';

/** `_ <- "stored.{x}.name"`: stored tensors the model does not use. */
function ignoreRule(rule: MappingRule, out: Diagnostic[]): string | undefined {
  if (rule.source.kind !== 'String') {
    out.push(diagnostic('E0507', rule.source.span, 'an ignore rule names stored tensors with one string', { label: 'as in _ <- "h.{i}.attn.masked_bias"' }));
    return undefined;
  }
  if (rule.transforms.length) {
    out.push(diagnostic('E0507', rule.transforms[0]!.span, 'an ignored tensor is never read, so it takes no transforms'));
    return undefined;
  }
  const { stray } = placeholders(rule.source.value);
  if (stray) {
    out.push(diagnostic('E0506', rule.source.span, `a stray '${stray}' in a stored tensor name`, { label: 'placeholders are written {name}' }));
    return undefined;
  }
  return rule.source.value;
}

function compileRule(rule: MappingRule, state: SectionState): PlanEntry[] {
  const { out } = state;
  const errors = out.length;
  const alts = rule.target.segments.filter((s) => s.kind === 'Alt');
  if (alts.length > 1) out.push(diagnostic('E0507', alts[1]!.span, 'a pattern lists at most one ( … ) group of parameters'));
  const transforms = rule.transforms.map((t) => {
    const def = TRANSFORMS.get(t.name.name);
    if (!def) {
      const near = closestMatch(t.name.name, TRANSFORMS.keys());
      out.push(
        diagnostic('E0505', t.name.span, `unknown layout transform '${t.name.name}'`, {
          label: near ? `did you mean '${near}'?` : `the transforms are ${[...TRANSFORMS.keys()].join(', ')}`,
        }),
      );
      return undefined;
    }
    const args = bindArgs(def.name, def.args, t.args, t.span, state.graph.consts, out);
    return args ? { def, args, span: t.span } : undefined;
  });
  const source = resolveSource(rule.source, state.graph.consts, out);
  if (source) checkPlaceholders(rule, source, out);
  if (alts.length > 1) return [];

  const match = matchTargets(rule.target, state.names);
  if (match.incomplete.length) {
    const [first, ...more] = match.incomplete;
    out.push(
      diagnostic('E0501', rule.target.span, `the model has no parameter ${first}${more.length ? ` (nor ${more.length} more the pattern names)` : ''}`, {
        label: 'every name of the ( … ) list needs a parameter',
      }),
    );
  } else if (!match.instances.length && !namesLeftOutLayers(rule.target, state.possible)) {
    // A mapping into layers that this model's count leaves out (zero layers) maps nothing, silently.
    out.push(
      diagnostic('E0501', rule.target.span, `'${patternText(rule.target)}' matches no parameter of model '${state.graph.name}'`, {
        label: explainNoMatch(rule.target, [...state.names, ...state.possible.map((p) => p.path)]),
      }),
    );
  }
  // The parameters count as mapped even when the rest of the rule has errors: no second error for them.
  recordTargets(rule, [...match.instances.flatMap((inst) => inst.targets), ...match.partial], state);
  if (out.length > errors || !source || transforms.some((t) => !t)) return [];

  const entries: PlanEntry[] = [];
  for (const inst of match.instances) {
    const entry = buildEntry(rule, inst.targets, inst.bindings, source, transforms as Resolved[], state);
    if (!entry) return [];
    entries.push(entry);
  }
  recordStored(rule, entries, state);
  return entries;
}

interface Resolved {
  readonly def: TransformDef;
  readonly args: BoundArgs;
  readonly span: MappingRule['span'];
}

/** Runs the transforms backwards from the parameters' shapes to the stored tensor's. */
function buildEntry(
  rule: MappingRule,
  targets: readonly string[],
  bindings: ReadonlyMap<string, string>,
  source: SourceForm,
  transforms: readonly Resolved[],
  state: SectionState,
): PlanEntry | undefined {
  const targetShapes = targets.map((t) => state.shapes.get(t)!);
  const forTargets = `for ${targets.map((t, j) => `${t} ${fmt(targetShapes[j]!)}`).join(', ')}`;
  let shapes: readonly Shape[] = targetShapes;
  const steps: PlanStep[] = [];
  for (let k = transforms.length - 1; k >= 0; k--) {
    const t = transforms[k]!;
    const inferred = t.def.infer(t.args, shapes);
    if ('problem' in inferred) {
      state.out.push(
        diagnostic('E0504', inferred.span ?? t.span, inferred.problem, {
          notes: [{ message: forTargets }, ...(inferred.hint ? [{ message: inferred.hint }] : [])],
        }),
      );
      return undefined;
    }
    steps.unshift({ ...inferred.op, shapes } as PlanStep);
    shapes = inferred.before;
  }
  if (shapes.length !== 1) {
    state.out.push(
      diagnostic('E0504', rule.target.span, `${shapes.length} parameters come from one stored tensor, but no transform splits it`, {
        notes: [{ message: forTargets }, { message: 'add `| split(axis)`' }],
      }),
    );
    return undefined;
  }
  const built = source.build(shapes[0]!, bindings);
  if ('problem' in built) {
    state.out.push(diagnostic('E0504', built.span ?? rule.source.span, built.problem, { notes: [{ message: forTargets }, ...(built.hint ? [{ message: built.hint }] : [])] }));
    return undefined;
  }
  return { targets, source: built, steps, rule: `${rule.span.file}:${rule.span.line}` };
}

function checkPlaceholders(rule: MappingRule, source: SourceForm, out: Diagnostic[]): void {
  const bound = new Set(rule.target.segments.flatMap((s) => (s.kind === 'Bind' ? [s.name] : [])));
  for (const s of source.strings) {
    const { names, stray } = placeholders(s.value);
    if (stray) {
      out.push(diagnostic('E0506', s.span, `a stray '${stray}' in a stored tensor name`, { label: 'placeholders are written {name}' }));
      continue;
    }
    const unbound = names.find((n) => !bound.has(n));
    if (unbound !== undefined) {
      out.push(
        diagnostic('E0506', s.span, `placeholder {${unbound}} is not bound by the target`, {
          label: bound.size ? `the target binds ${[...bound].map((b) => `{${b}}`).join(', ')}` : 'the target has no placeholders',
        }),
      );
    }
  }
}

function recordTargets(rule: MappingRule, targets: readonly string[], state: SectionState): void {
  const twice: string[] = [];
  let first: MappingRule | undefined;
  for (const t of targets) {
    const prev = state.mappedBy.get(t);
    if (prev) {
      twice.push(t);
      first ??= prev;
    } else state.mappedBy.set(t, rule);
  }
  if (!twice.length) return;
  state.out.push(
    diagnostic('E0502', rule.target.span, `${twice[0]} is mapped twice${twice.length > 1 ? ` (and ${twice.length - 1} more parameters)` : ''}`, {
      label: 'a parameter comes from exactly one mapping',
      notes: [{ message: first === rule ? 'this mapping names it twice' : 'first mapped here', span: first!.target.span }],
    }),
  );
}

function storedTensors(source: PlanSource): readonly PlanTensor[] {
  return source.kind === 'tensor' ? [source.tensor] : source.parts;
}

function recordStored(rule: MappingRule, entries: readonly PlanEntry[], state: SectionState): void {
  for (const tensor of entries.flatMap((e) => storedTensors(e.source))) {
    for (const name of tensor.names) {
      const prev = state.stored.get(name);
      if (!prev) state.stored.set(name, { shape: tensor.shape, rule });
      else if (fmt(prev.shape) !== fmt(tensor.shape)) {
        state.out.push(
          diagnostic('E0504', rule.source.span, `stored tensor '${name}' is read as ${fmt(tensor.shape)} here and as ${fmt(prev.shape)} before`, {
            notes: [{ message: 'read here before', span: prev.rule.source.span }],
          }),
        );
        return;
      }
    }
  }
}

/** One diagnostic for the parameters no mapping fills, grouped by layer (`layers.{i}.attn.q.bias`). */
function reportUnmapped(decl: CheckpointDecl, state: SectionState): void {
  const unmapped = state.names.filter((n) => !state.mappedBy.has(n));
  if (!unmapped.length) return;
  const groups = new Map<string, number>();
  for (const n of unmapped) {
    const key = n.replace(/(^|\.)\d+(?=\.|$)/g, '$1{i}');
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const listed = [...groups].map(([k, count]) => (count > 1 ? `${k} (${count} layers)` : k));
  state.out.push(
    diagnostic('E0503', decl.name.span, `checkpoint '${decl.name.name}' maps nothing to ${unmapped.length} parameter${unmapped.length > 1 ? 's' : ''}`, {
      label: `unmapped: ${listed.slice(0, 3).join(', ')}${listed.length > 3 ? ` … (${listed.length - 3} more pattern${listed.length > 4 ? 's' : ''})` : ''}`,
      notes: [{ message: 'every parameter needs a mapping; add a line such as `' + (groups.keys().next().value as string) + ' <- "stored.name"`' }],
    }),
  );
}
