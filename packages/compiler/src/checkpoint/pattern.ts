// Parameter path patterns (`layers.{i}.attn.(q, k, v).weight`) matched against a model's parameters,
// and `{name}` placeholders in stored tensor names.
import type { ParamPattern, PatternSegment } from '@tdl/dsl';
import { LAYER_INDEX } from '../lower/lowerer.js';

/** One way a pattern matches: the placeholder values, and the parameters it names. */
export interface TargetInstance {
  readonly bindings: ReadonlyMap<string, string>;
  /** One parameter path per name of the pattern's `( … )` list, in its order (one path without a list). */
  readonly targets: readonly string[];
}

export interface TargetMatch {
  readonly instances: readonly TargetInstance[];
  /** Bindings for which some names of the `( … )` list have no parameter: those missing paths. */
  readonly incomplete: readonly string[];
  /** The parameters those incomplete bindings do name. */
  readonly partial: readonly string[];
}

/** The pattern written back as text. */
export function patternText(p: ParamPattern): string {
  return p.segments.map(segmentText).join('.');
}

function segmentText(s: PatternSegment): string {
  switch (s.kind) {
    case 'Name':
      return s.name;
    case 'Index':
      return String(s.value);
    case 'Bind':
      return `{${s.name}}`;
    case 'Alt':
      return `(${s.names.map((n) => n.name).join(', ')})`;
  }
}

/** Every instance of `pattern` among `params` (in the parameters' order). */
export function matchTargets(pattern: ParamPattern, params: readonly string[]): TargetMatch {
  const alt = pattern.segments.find((s) => s.kind === 'Alt');
  const altCount = alt && alt.kind === 'Alt' ? alt.names.length : 1;
  const groups = new Map<string, { bindings: Map<string, string>; targets: (string | undefined)[] }>();
  const split = splitPaths(params);
  for (let k = 0; k < params.length; k++) {
    const name = params[k]!;
    const parts = split[k]!;
    if (parts.length !== pattern.segments.length) continue;
    const m = matchOne(pattern.segments, parts);
    if (!m) continue;
    const key = JSON.stringify([...m.bindings]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { bindings: m.bindings, targets: new Array<string | undefined>(altCount).fill(undefined) }));
    g.targets[m.alt] = name;
  }
  const instances: TargetInstance[] = [];
  const incomplete: string[] = [];
  const partial: string[] = [];
  for (const g of groups.values()) {
    const missing = g.targets.flatMap((t, j) => (t === undefined ? [pathOf(pattern, g.bindings, j)] : []));
    if (missing.length) {
      incomplete.push(...missing);
      partial.push(...g.targets.filter((t): t is string => t !== undefined));
    } else instances.push({ bindings: g.bindings, targets: g.targets as string[] });
  }
  return { instances, incomplete, partial };
}

/** Each path cut at its dots, once per list: a section matches every rule against the same list (18,000 paths for a 128-expert model). */
const splitCache = new WeakMap<readonly string[], readonly (readonly string[])[]>();
function splitPaths(params: readonly string[]): readonly (readonly string[])[] {
  let split = splitCache.get(params);
  if (!split) splitCache.set(params, (split = params.map((p) => p.split('.'))));
  return split;
}

function matchOne(segments: readonly PatternSegment[], parts: readonly string[]): { bindings: Map<string, string>; alt: number } | undefined {
  if (segments.length !== parts.length) return undefined;
  const bindings = new Map<string, string>();
  let alt = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const part = parts[i]!;
    switch (s.kind) {
      case 'Name':
        if (s.name !== part) return undefined;
        break;
      case 'Index':
        if (String(s.value) !== part) return undefined;
        break;
      case 'Bind': {
        const prev = bindings.get(s.name);
        if (prev !== undefined && prev !== part) return undefined;
        bindings.set(s.name, part);
        break;
      }
      case 'Alt': {
        const j = s.names.findIndex((n) => n.name === part);
        if (j < 0) return undefined;
        alt = j;
        break;
      }
    }
  }
  return { bindings, alt };
}

/** The parameter path the pattern names for `bindings` and the `alt`-th name of its list. */
function pathOf(pattern: ParamPattern, bindings: ReadonlyMap<string, string>, alt: number): string {
  return pattern.segments
    .map((s) => (s.kind === 'Bind' ? (bindings.get(s.name) ?? `{${s.name}}`) : s.kind === 'Alt' ? s.names[alt]!.name : segmentText(s)))
    .join('.');
}

/** Whether one segment of a pattern matches one part of a parameter path (`alt`: only that name of a list). */
export function segmentMatches(s: PatternSegment, part: string, alt?: string): boolean {
  switch (s.kind) {
    case 'Name':
      return s.name === part;
    case 'Index':
      return String(s.value) === part;
    case 'Bind':
      return true;
    case 'Alt':
      return alt !== undefined ? alt === part && s.names.some((n) => n.name === alt) : s.names.some((n) => n.name === part);
  }
}

/** A parameter path some layer of a repeat could have, the layer index left as `{i}`: `h.{i}.attn.q.weight`. */
export interface PossibleParam {
  readonly path: string;
  /** The repeat's layer count. */
  readonly layers: number;
}

/**
 * Whether `pattern` names parameters of layers that a repeat's count leaves out: paths some layer could
 * have, for every layer (a placeholder where the index goes) or for a layer past the last (an index).
 * Each name of a `( … )` list needs one.
 */
export function namesLeftOutLayers(pattern: ParamPattern, possible: readonly PossibleParam[]): boolean {
  const list = pattern.segments.find((s) => s.kind === 'Alt');
  const alts = list?.kind === 'Alt' ? list.names.map((n) => n.name) : [undefined];
  const fits = (p: PossibleParam, parts: readonly string[], alt: string | undefined) =>
    parts.length === pattern.segments.length &&
    pattern.segments.every((s, k) =>
      parts[k] === LAYER_INDEX ? s.kind === 'Bind' || (s.kind === 'Index' && s.value >= p.layers) : segmentMatches(s, parts[k]!, alt),
    );
  const split = possible.map((p) => ({ p, parts: p.path.split('.') }));
  return alts.every((alt) => split.some(({ p, parts }) => fits(p, parts, alt)));
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholders of a stored-name pattern, or a description of a stray brace. */
export function placeholders(text: string): { names: string[]; stray?: string } {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const rest = text.replace(PLACEHOLDER, '');
  const stray = /[{}]/.exec(rest);
  return stray ? { names, stray: stray[0] } : { names };
}

/** Fills the placeholders of a stored-name pattern (all bound: checked before). */
export function substitute(text: string, bindings: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => bindings.get(name) ?? whole);
}
