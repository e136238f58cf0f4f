// Configurations of a model file's constants: the small one every property starts from (found by a search
// that keeps every divisibility, bound and structural feature of the file valid), and random variations of
// it as a fast-check arbitrary that shrinks back to it.
import fc from 'fast-check';
import { allNodes, checkSource, dimValue, modelManifest, type CheckResult, type Graph } from '@tdl/compiler';

/** A model file's text and the name diagnostics and commands use for it. */
export interface ModelSource {
  readonly name: string;
  readonly text: string;
}

/** Values for some of a file's constants, as `--set` gives them. */
export type Config = Readonly<Record<string, number>>;

/** Values tried, smallest first, when a constant is shrunk. */
const LADDER = [2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64];

/** A shrunk model keeps a context and a vocabulary at least this large (or the file's own, if smaller). */
const MIN_CONTEXT = 16;
const MIN_VOCAB = 32;
/**
 * Norms keep at least this many features: a layer norm over two values maps every row to ±1, which
 * would erase what the tokens say and leave properties like causality nothing to see.
 */
const MIN_NORM_WIDTH = 8;

/** Checks `source` with `config` over its constants; memoised, as the search checks one config many times. */
export class Checker {
  private readonly results = new Map<string, CheckResult>();

  constructor(readonly source: ModelSource) {}

  check(config: Config): CheckResult {
    const key = configKey(config);
    let r = this.results.get(key);
    if (!r) {
      r = checkSource(this.source, { overrides: { ...config } });
      this.results.set(key, r);
    }
    return r;
  }
}

export function configKey(config: Config): string {
  return Object.keys(config)
    .sort()
    .map((k) => `${k}=${config[k]}`)
    .join(',');
}

/**
 * What a configuration must keep of the file as written: the kinds of operation, each attention's kind
 * (mask, self or cross, grouped-query shape, rotary layout, ALiBi, soft-capping) and how many distinct
 * layer bodies there are. Shrinking `kv_heads` to `heads` would lose grouped-query attention, shrinking
 * `layers` below a period would lose the layers that differ; neither counts as the same model.
 */
export function structureOf(graph: Graph): string {
  const features = new Set<string>();
  for (const { node } of allNodes(graph)) {
    if (node.op !== 'attention') {
      features.add(node.op);
      continue;
    }
    const cross = node.k !== node.q ? 'kv' : 'self';
    const kv = node.kvHeads === node.heads ? 'mha' : node.kvHeads === 1 ? 'mqa' : 'gqa';
    features.add(`attention ${node.mask.kind} ${cross} ${kv} ${node.rope?.layout ?? 'norope'} ${node.alibi ? 'alibi' : ''} ${node.softcap > 0 ? 'softcap' : ''}`);
  }
  const bodies = graph.items.map((i) => (i.op === 'repeat' ? i.bodies.length : 0)).join(',');
  return `${[...features].sort().join('; ')} | bodies ${bodies}`;
}

/** Whether `config` keeps the file valid and as structured as `reference`, with room to test it. */
export function isValid(checker: Checker, config: Config, reference: Graph): boolean {
  const r = checker.check(config);
  if (!r.ok || !r.graph) return false;
  if (structureOf(r.graph) !== structureOf(reference)) return false;
  if (narrowNorm(r.graph, reference)) return false;
  const m = modelManifest(r.graph);
  const original = modelManifest(reference);
  return m.context >= Math.min(MIN_CONTEXT, original.context) && m.vocab >= Math.min(MIN_VOCAB, original.vocab);
}

/** Whether a norm of `graph` is narrower than MIN_NORM_WIDTH (and than it is in `reference`). */
function narrowNorm(graph: Graph, reference: Graph): boolean {
  const widest = (g: Graph) => {
    let min = Infinity;
    for (const { node } of allNodes(g)) {
      if (node.op !== 'layer_norm' && node.op !== 'rms_norm') continue;
      const last = node.type.shape[node.type.shape.length - 1];
      const width = last === undefined ? undefined : dimValue(last);
      if (width !== undefined) min = Math.min(min, width);
    }
    return min;
  };
  const width = widest(graph);
  return width < MIN_NORM_WIDTH && width < widest(reference);
}

/** The file's integer constants, which shrinking may change (floats like `eps` keep their values). */
export function integerConstants(graph: Graph): string[] {
  return Object.entries(graph.consts)
    .filter(([, v]) => Number.isSafeInteger(v) && v > 1)
    .map(([k]) => k);
}

export interface Shrunk {
  readonly config: Config;
  /** Constants the search may not change (given with `--set`, or declared by the file). */
  readonly pinned: readonly string[];
}

/**
 * The small configuration the properties start from: every integer constant not pinned is lowered, in
 * turn, to the smallest value of LADDER that keeps the file valid, until nothing changes. `pinned`
 * values (the caller's `--set`) are kept as given.
 */
export function shrinkConfig(checker: Checker, pinned: Config = {}): Shrunk {
  const original = checker.check(pinned);
  if (!original.ok || !original.graph) {
    const first = original.diagnostics.find((d) => d.severity === 'error');
    const why = first ? `: ${first.span.line}:${first.span.column} ${first.code} ${first.message}` : '';
    throw new ConfigError(`${checker.source.name} does not check${Object.keys(pinned).length ? ` with ${configKey(pinned)}` : ''}${why}`);
  }
  const reference = original.graph;
  const free = integerConstants(reference).filter((k) => !(k in pinned));
  const config: Record<string, number> = { ...pinned };
  for (const k of free) config[k] = reference.consts[k]!;
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (const k of free) {
      for (const v of LADDER) {
        if (v >= config[k]!) break;
        if (isValid(checker, { ...config, [k]: v }, reference)) {
          config[k] = v;
          changed = true;
          break;
        }
      }
    }
    // Constants equal to each other (heads = kv_heads) may only shrink together without changing structure.
    for (let i = 0; i < free.length; i++) {
      for (let j = i + 1; j < free.length; j++) {
        const [a, b] = [free[i]!, free[j]!];
        if (config[a] !== config[b]) continue;
        const v = LADDER.find((v) => v < config[a]! && isValid(checker, { ...config, [a]: v, [b]: v }, reference));
        if (v !== undefined) {
          config[a] = config[b] = v;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { config, pinned: Object.keys(pinned) };
}

/** A file that cannot be tested as asked (it does not check, or no configuration fits). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Values a constant of `base` may take in a variation: the base first (where shrinking returns). */
function variants(base: number): number[] {
  return [...new Set([base, base + 1, 2 * base, Math.max(2, base - 1), Math.max(2, Math.floor(base / 2)), 3 * base])];
}

/**
 * Random configurations near `shrunk`: for each free constant in turn a variant is tried and kept only
 * if the file stays valid. The choices shrink to 0, so a counterexample shrinks back to `shrunk`.
 */
export function configArbitrary(checker: Checker, shrunk: Shrunk, reference: Graph): fc.Arbitrary<Config> {
  const free = Object.keys(shrunk.config).filter((k) => !shrunk.pinned.includes(k));
  const memo = new Map<string, Config>();
  return fc.array(fc.nat({ max: 5 }), { minLength: free.length, maxLength: free.length }).map((choices) => {
    const key = choices.join(',');
    const known = memo.get(key);
    if (known) return known;
    const config: Record<string, number> = { ...shrunk.config };
    free.forEach((k, i) => {
      const options = variants(shrunk.config[k]!);
      const v = options[choices[i]! % options.length]!;
      if (v !== config[k] && isValid(checker, { ...config, [k]: v }, reference)) config[k] = v;
    });
    memo.set(key, config);
    return config;
  });
}
