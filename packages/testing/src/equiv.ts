// Equivalence of two model files: random weights for A, written in a checkpoint naming both declare and
// read back as B's parameters, give B the logits of A on random inputs, over random shrunk
// configurations; a failure is shrunk to the smallest configuration and names the first differing place.
import fc from 'fast-check';
import { chooseNaming, internalPlan, loadNamed, type CheckpointPlan } from '@tdl/runtime';
import { CpuExecutor } from '@tdl/runtime-cpu';
import * as cpu from '@tdl/runtime-cpu';
import { Checker, ConfigError, configArbitrary, configKey, shrinkConfig, type Config, type ModelSource } from './config.js';
import { describeAt, firstApart, fitIds } from './property.js';
import { allLogits } from './run-model.js';
import { makeSubject, SubjectCache, type Kernels, type Subject } from './subject.js';
import { storeIn } from './properties/namings.js';

export interface EquivOptions {
  /** The naming that carries A's weights to B: a checkpoint section both declare, or `internal`. */
  readonly naming?: string;
  readonly runs?: number;
  readonly seed?: number;
  /** Constants pinned in both files. */
  readonly set?: Config;
  /** One case with these ids at the `set` configuration. */
  readonly ids?: readonly number[];
  /** Relative tolerance of the logits (default 1e-4: the two files may sum in another order). */
  readonly tolerance?: number;
  readonly kernels?: Kernels;
}

export interface EquivReport {
  readonly a: string;
  readonly b: string;
  readonly naming: string;
  readonly status: 'passed' | 'failed';
  readonly runs: number;
  readonly reason?: string;
  readonly counterexample?: { readonly config: Config; readonly seed: number; readonly ids: readonly number[] };
  readonly command?: string;
}

/** The plans of a file at a configuration, the parameter paths first. */
function plansOf(subject: Subject): CheckpointPlan[] {
  return [internalPlan(subject.manifest.params), ...subject.namings];
}

/** The naming both files declare: the one asked for, else the first checkpoint section they share, else `internal`. */
function sharedNaming(a: Subject, b: Subject, asked: string | undefined): string {
  const inB = new Set(plansOf(b).map((p) => p.naming));
  const common = plansOf(a)
    .map((p) => p.naming)
    .filter((n) => inB.has(n));
  if (asked !== undefined) {
    if (!common.includes(asked)) throw new ConfigError(`naming '${asked}' is not declared by both files (they share: ${common.join(', ') || 'none'})`);
    return asked;
  }
  const section = common.find((n) => n !== 'internal');
  return section ?? 'internal';
}

/** A's constants as B's: the values of the constants B also has. */
function forB(config: Config, b: Checker): Config {
  const consts = b.check({}).graph?.consts ?? {};
  return Object.fromEntries(Object.entries(config).filter(([k]) => k in consts));
}

export async function testEquivalence(a: ModelSource, b: ModelSource, options: EquivOptions = {}): Promise<EquivReport> {
  const kernels = options.kernels ?? (cpu as unknown as Kernels);
  const ca = new Checker(a);
  const cb = new Checker(b);
  if (!ca.check(options.set ?? {}).ok) throw new ConfigError(`${a.name} does not check`);
  if (!cb.check(forB(options.set ?? {}, cb)).ok) throw new ConfigError(`${b.name} does not check`);
  const shrunk = shrinkConfig(ca, options.set ?? {});
  if (!cb.check(forB(shrunk.config, cb)).ok) throw new ConfigError(`${b.name} does not check with ${a.name}'s configuration ${configKey(forB(shrunk.config, cb))}`);
  const naming = sharedNaming(makeSubject(ca, shrunk.config, kernels), makeSubject(cb, forB(shrunk.config, cb), kernels), options.naming);
  const tolerance = options.tolerance ?? 1e-4;
  const subjectsA = new SubjectCache(ca, kernels);
  const subjectsB = new SubjectCache(cb, kernels);

  const check = async (config: Config, seed: number, ids: readonly number[]): Promise<string | undefined> => {
    const sa = subjectsA.get(config);
    if (!cb.check(forB(config, cb)).ok) return `${b.name} does not check at this configuration`;
    const sb = subjectsB.get(forB(config, cb));
    if (sa.manifest.vocab !== sb.manifest.vocab) return `the vocabularies differ: ${sa.manifest.vocab} and ${sb.manifest.vocab}`;
    const weights = sa.weights(seed);
    const store = await storeIn(plansOf(sa).find((p) => p.naming === naming)!, weights, `${naming}.safetensors`);
    const planB = plansOf(sb).find((p) => p.naming === naming)!;
    let moved: Map<string, Float32Array>;
    try {
      moved = await loadNamed(chooseNaming([planB], store, { model: sb.graph.name, naming }), store, sb.manifest.params);
    } catch (e) {
      return `${a.name}'s weights in naming '${naming}' do not load as ${b.name}'s: ${(e as Error).message.split('\n')[0]}`;
    }
    const exA = new CpuExecutor(sa.module(), weights);
    const exB = new CpuExecutor(sb.module(), moved);
    try {
      const la = await allLogits(exA, sa, ids, seed);
      const lb = await allLogits(exB, sb, ids, seed);
      const at = firstApart(lb, la, tolerance);
      return at < 0 ? undefined : `the logits first differ at ${describeAt(at, sa.manifest.vocab, lb, la)} (${b.name} vs ${a.name})`;
    } finally {
      exA.dispose();
      exB.dispose();
    }
  };
  const idsFor = (config: Config, raw: readonly number[]) => {
    const s = subjectsA.get(config);
    return fitIds(raw, s.manifest.vocab, 1, Math.min(s.manifest.context, 12));
  };
  const base = { a: a.name, b: b.name, naming };
  const fail = (config: Config, seed: number, ids: readonly number[], reason: string, runs: number): EquivReport => ({
    ...base,
    status: 'failed',
    runs,
    reason,
    counterexample: { config, seed, ids },
    command: `tdl equiv ${a.name} ${b.name} --naming ${naming}${Object.keys(config)
      .sort()
      .map((k) => ` --set ${k}=${config[k]}`)
      .join('')} --seed ${seed} --ids ${ids.join(',')}`,
  });
  if (options.ids) {
    const ids = idsFor(shrunk.config, options.ids);
    const reason = await check(shrunk.config, options.seed ?? 0, ids);
    return reason === undefined ? { ...base, status: 'passed', runs: 1 } : fail(shrunk.config, options.seed ?? 0, ids, reason, 1);
  }
  const valid = (config: Config) => cb.check(forB(config, cb)).ok;
  const configs = configArbitrary(ca, shrunk, ca.check(options.set ?? {}).graph!).filter(valid);
  const property = fc.asyncProperty(configs, fc.nat({ max: 0xffff }), fc.array(fc.nat({ max: 0xffff }), { maxLength: 16 }), async (config, seed, raw) => (await check(config, seed, idsFor(config, raw))) === undefined);
  const details = await fc.check(property, { numRuns: options.runs ?? 10, seed: options.seed ?? 0 });
  if (!details.failed) return { ...base, status: 'passed', runs: details.numRuns };
  if (!details.counterexample) throw details.errorInstance ?? new Error('fast-check failed without a counterexample');
  const [config, seed, raw] = details.counterexample;
  const ids = idsFor(config, raw);
  return fail(config, seed, ids, (await check(config, seed, ids)) ?? String(details.errorInstance), details.numRuns);
}

/** The report as lines: passed or failed, and the reproducing command. */
export function formatEquivalence(r: EquivReport): string {
  if (r.status === 'passed') return `${r.a} ≡ ${r.b} through naming '${r.naming}' (${r.runs} cases)\n`;
  return `${r.a} ≢ ${r.b} through naming '${r.naming}': ${r.reason}\n  smallest counterexample: ${Object.entries(r.counterexample!.config)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}, seed ${r.counterexample!.seed}, ids ${r.counterexample!.ids.join(',')}\n  reproduce: ${r.command}\n`;
}
