// Runs the properties of one model file: finds its shrunk configuration, then checks each property with
// fast-check on random configurations, seeds and token ids near it, shrinking any failure to the
// smallest case and the command that reproduces it.
import fc from 'fast-check';
import { Checker, ConfigError, configArbitrary, shrinkConfig, type Config, type ModelSource } from './config.js';
import { fitIds, type Case, type Host, type Property } from './property.js';
import { PROPERTIES } from './properties/index.js';
import { SubjectCache } from './subject.js';
import { checkExpectation, type ExpectationResult, type ReadModel } from './expectations.js';
import * as cpu from '@tdl/runtime-cpu';

export interface TestOptions extends Host {
  /** Cases per property (default 10); properties with nothing to vary run once. */
  readonly runs?: number;
  /** fast-check's seed, or with `ids` the seed of the one case (default 0). */
  readonly seed?: number;
  /** Constants pinned to these values (`--set`): never varied or shrunk. */
  readonly set?: Config;
  /** Run one case with these token ids, at the configuration `set` pins (a reproduction). */
  readonly ids?: readonly number[];
  /** Only the properties of these names. */
  readonly only?: readonly string[];
  /** How a reproducing command names the file (default: the source's name). */
  readonly commandFile?: string;
  /** Reads a file an `claim equiv(…)` names (relative to the file that names it); without it they are skipped. */
  readonly readModel?: ReadModel;
}

export type Status = 'passed' | 'failed' | 'skipped';

export interface PropertyResult {
  readonly property: string;
  readonly claim: string;
  readonly status: Status;
  /** Why it was skipped, or what failed. */
  readonly reason?: string;
  /** Cases run (0 when skipped). */
  readonly runs: number;
  /** The shrunk case that fails. */
  readonly counterexample?: Case;
  /** A command that runs the counterexample again. */
  readonly command?: string;
}

export interface ModelReport {
  readonly file: string;
  /** The configuration the properties start from (every free integer constant shrunk). */
  readonly shrunk: Config;
  readonly results: readonly PropertyResult[];
  /** The file’s `claim` declarations, each checked. */
  readonly expectations: readonly ExpectationResult[];
}

const DEFAULT_RUNS = 10;
const MAX_IDS = 16;

/** The command line that runs case `c` of `property` again. */
export function reproduceCommand(file: string, property: string, c: Case): string {
  const sets = Object.keys(c.config)
    .sort()
    .map((k) => ` --set ${k}=${c.config[k]}`)
    .join('');
  return `tdl test ${quote(file)} --only ${property}${sets} --seed ${c.seed} --ids ${c.ids.join(',')}`;
}

function quote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Checks every property of `source` (see TestOptions); throws ConfigError if the file does not check. */
export async function testModel(source: ModelSource, options: TestOptions = {}): Promise<ModelReport> {
  const checker = new Checker(source);
  const shrunk = shrinkConfig(checker, options.set ?? {});
  const reference = checker.check(options.set ?? {}).graph!;
  const host: Host = { ...options, kernels: options.kernels ?? (cpu as unknown as Record<string, unknown>) };
  const subjects = new SubjectCache(checker, host.kernels!);
  const configs = configArbitrary(checker, shrunk, reference);
  const declared = checker.check(options.set ?? {}).expectations;
  // Properties an expectation names run even when --only leaves them out.
  const named = new Set(declared.flatMap((e) => (e.kind === 'holds' || e.kind === 'not_applicable' ? e.properties : [])));
  const chosen = options.only && !options.ids ? PROPERTIES.filter((p) => options.only!.includes(p.name) || named.has(p.name)) : options.only ? PROPERTIES.filter((p) => options.only!.includes(p.name)) : PROPERTIES;
  const unknown = options.only?.filter((n) => !PROPERTIES.some((p) => p.name === n)) ?? [];
  if (unknown.length) throw new ConfigError(`no property named ${unknown.join(', ')} (the properties: ${PROPERTIES.map((p) => p.name).join(', ')})`);
  const results: PropertyResult[] = [];
  for (const property of chosen) {
    results.push(await runProperty(property, { source, options, host, shrunk: shrunk.config, configs, subjects }));
  }
  // A reproduction (--ids) runs its one case, not the file's claims.
  const expectations: ExpectationResult[] = [];
  if (!options.ids) {
    for (const e of declared) {
      expectations.push(await checkExpectation(e, { checker, results, ...(options.readModel ? { readModel: options.readModel } : {}), runs: options.runs ?? DEFAULT_RUNS, seed: options.seed ?? 0, kernels: host.kernels! }));
    }
  }
  return { file: source.name, shrunk: shrunk.config, results, expectations };
}

interface Run {
  readonly source: ModelSource;
  readonly options: TestOptions;
  readonly host: Host;
  readonly shrunk: Config;
  readonly configs: fc.Arbitrary<Config>;
  readonly subjects: SubjectCache;
}

async function runProperty(property: Property, run: Run): Promise<PropertyResult> {
  const { host, options } = run;
  const base = { property: property.name, claim: property.claim };
  const skip = await property.applies(run.subjects.get(run.shrunk), host);
  if (skip !== undefined) return { ...base, status: 'skipped', reason: skip, runs: 0 };
  const caseOf = (config: Config, seed: number, raw: readonly number[]): Case => {
    const subject = run.subjects.get(config);
    const { min, max } = property.length(subject);
    return { config, seed, ids: fitIds(raw, subject.manifest.vocab, min, max) };
  };
  const fail = (c: Case, reason: string, runs: number): PropertyResult => ({
    ...base,
    status: 'failed',
    reason,
    runs,
    counterexample: c,
    command: reproduceCommand(options.commandFile ?? run.source.name, property.name, c),
  });
  let inconclusive: string | undefined;
  let ran = 0;
  /** A case's failure, or undefined where it holds or could not be checked (counted apart). */
  const checkCase = async (c: Case): Promise<string | undefined> => {
    ran++;
    const r = await property.check(run.subjects.get(c.config), c, host);
    if (typeof r === 'object') {
      inconclusive = r.inconclusive;
      ran--;
      return undefined;
    }
    return r;
  };
  const passed = (runs: number): PropertyResult =>
    runs === 0 && inconclusive !== undefined ? { ...base, status: 'skipped', reason: inconclusive, runs: 0 } : { ...base, status: 'passed', runs };
  if (options.ids) {
    const c = caseOf(run.shrunk, options.seed ?? 0, options.ids);
    const reason = await checkCase(c);
    return reason === undefined ? passed(ran) : fail(c, reason, 1);
  }
  const runs = property.once ? 1 : Math.min(options.runs ?? DEFAULT_RUNS, property.maxRuns ?? Infinity);
  const predicate = fc.asyncProperty(run.configs, fc.nat({ max: 0xffff }), fc.array(fc.nat({ max: 0xffff }), { maxLength: MAX_IDS }), async (config, seed, raw) => {
    fc.pre((await property.applies(run.subjects.get(config), host)) === undefined);
    return (await checkCase(caseOf(config, seed, raw))) === undefined;
  });
  const details = await fc.check(predicate, { numRuns: runs, seed: options.seed ?? 0 });
  if (!details.failed) return passed(ran);
  if (!details.counterexample) throw details.errorInstance ?? new Error(`${property.name}: fast-check failed without a counterexample`);
  const [config, seed, raw] = details.counterexample;
  const c = caseOf(config, seed, raw);
  let reason: string | undefined;
  try {
    const r = await property.check(run.subjects.get(config), c, host);
    reason = typeof r === 'object' ? r.inconclusive : r;
  } catch (e) {
    reason = `threw: ${(e as Error).message}`;
  }
  return fail(c, reason ?? String(details.errorInstance ?? 'failed'), ran);
}
