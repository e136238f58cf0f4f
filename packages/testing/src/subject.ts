// A model file at one configuration, ready to run: its graph, checkpoint namings, manifest, the CPU
// module (compiled once, loadable with other kernels), and seeded weights where every path carries signal.
import { generateCpuModule, modelManifest, transpileCpuModule, type CheckpointPlan, type Graph } from '@tdl/compiler';
import { initWeights, Rng, type ModelManifest } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';
import { type Checker, type Config, configKey } from './config.js';

/** The kernels generated modules call: this package's copy of @tdl/runtime-cpu unless a caller gives others. */
export type Kernels = Record<string, unknown>;

export interface Subject {
  readonly file: string;
  readonly config: Config;
  readonly graph: Graph;
  readonly manifest: ModelManifest;
  readonly namings: readonly CheckpointPlan[];
  /** The generated CPU module, loaded with `kernels` (default: the runtime's). */
  module(kernels?: Kernels): cpu.GeneratedModule;
  /** Weights from `seed` (see liveWeights). */
  weights(seed: number): Map<string, Float32Array>;
}

/**
 * Seeded weights where nothing is left at zero: the file's own initialisation, then the parameters it
 * starts at zero (biases, Flamingo's gates) drawn small and non-zero, so that every path of the model
 * changes the logits and a fault on it shows.
 */
export function liveWeights(manifest: Pick<ModelManifest, 'params'>, seed: number): Map<string, Float32Array> {
  const weights = initWeights(manifest.params, seed);
  const rng = new Rng(seed + 1);
  for (const p of manifest.params) {
    if (p.init.kind !== 'zeros') continue;
    const w = weights.get(p.name)!;
    for (let i = 0; i < w.length; i++) w[i] = 0.5 * rng.normal();
  }
  return weights;
}

/** Compiles a checked configuration; `kernels` serve the generated module's one import. */
export function makeSubject(checker: Checker, config: Config, kernels: Kernels): Subject {
  const r = checker.check(config);
  if (!r.ok || !r.graph) throw new Error(`internal error: ${checker.source.name} does not check with ${configKey(config)}`);
  const graph = r.graph;
  const manifest = modelManifest(graph);
  let javascript: string | undefined;
  const modules = new Map<Kernels, cpu.GeneratedModule>();
  return {
    file: checker.source.name,
    config,
    graph,
    manifest,
    namings: r.checkpointPlans,
    module(k = kernels) {
      let m = modules.get(k);
      if (!m) {
        javascript ??= transpileCpuModule(generateCpuModule(graph).typescript);
        m = cpu.loadGeneratedModule(javascript, k);
        modules.set(k, m);
      }
      return m;
    },
    weights: (seed) => liveWeights(manifest, seed),
  };
}

/** Subjects by configuration, so the cases of every property share one compilation per configuration. */
export class SubjectCache {
  private readonly subjects = new Map<string, Subject>();

  constructor(
    private readonly checker: Checker,
    private readonly kernels: Kernels,
  ) {}

  get(config: Config): Subject {
    const key = configKey(config);
    let s = this.subjects.get(key);
    if (!s) {
      if (this.subjects.size >= 64) this.subjects.delete(this.subjects.keys().next().value!);
      s = makeSubject(this.checker, config, this.kernels);
      this.subjects.set(key, s);
    }
    return s;
  }
}
