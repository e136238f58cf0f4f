// What a property is: a fact derived from a model file, checked on cases (a configuration, a seed and
// token ids), which either applies to the model or says why not.
import type { WebGpuDevice } from '@tdl/runtime-webgpu';
import type { SpawnWorker } from '@tdl/runtime-cpu';
import type { PropertyName } from '@tdl/compiler';
import type { Config } from './config.js';
import type { Kernels, Subject } from './subject.js';

/** One input to a property: the seed of the weights (and of any memory) and the prompt's token ids. */
export interface Case {
  readonly config: Config;
  readonly seed: number;
  readonly ids: readonly number[];
}

/** What the host gives the properties that need more than this process's main thread. */
export interface Host {
  /** Starts worker threads for the thread-count property (Node: a `node:worker_threads` Worker). */
  readonly spawn?: SpawnWorker;
  /** A WebGPU device for CPU = WebGPU, or why there is none. */
  readonly webgpu?: () => Promise<WebGpuDevice | string>;
  /** The kernels generated CPU modules run on (default: @tdl/runtime-cpu's). */
  readonly kernels?: Kernels;
}

export interface Property {
  /** A short name (`causality`), as `--only`, the output and `claim holds(…)` use it. */
  readonly name: PropertyName;
  /** One line saying what holds. */
  readonly claim: string;
  /** Undefined where the property applies to this model, else why it does not. */
  applies(subject: Subject, host: Host): string | undefined | Promise<string | undefined>;
  /** How many token ids a case needs, at least and at most. */
  length(subject: Subject): { readonly min: number; readonly max: number };
  /**
   * Checks one case: undefined where it holds, else what went wrong (one line), or `inconclusive`
   * where the case could not be checked (worker threads that never started): it counts as neither.
   */
  check(subject: Subject, c: Case, host: Host): Promise<string | undefined | Inconclusive>;
  /** True when one case says all (no input to vary: namings, parameter counts). */
  readonly once?: boolean;
  /** At most this many cases, whatever was asked (each is slow: threads start). */
  readonly maxRuns?: number;
}

/** A case that could not be checked, and why. */
export interface Inconclusive {
  readonly inconclusive: string;
}

/** Fits random ids to a model: in its vocabulary, between `min` and `max` long (padded deterministically). */
export function fitIds(ids: readonly number[], vocab: number, min: number, max: number): number[] {
  const out = ids.slice(0, max).map((id) => id % vocab);
  for (let i = out.length; i < min; i++) out.push((i * 7 + 3) % vocab);
  return out;
}

/** The first index where two arrays differ bit for bit (NaN equals NaN), or -1. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : n;
}

/** The first index where |a - b| > tol · max(1, |b|), or -1. */
export function firstApart(a: Float32Array, b: Float32Array, tol: number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= tol * Math.max(1, Math.abs(b[i]!)))) return i;
  }
  return a.length === b.length ? -1 : n;
}

/** `position 3, logit 17: 0.25 vs 0.5` for flat [T, vocab] logits. */
export function describeAt(index: number, vocab: number, a: Float32Array, b: Float32Array): string {
  return `position ${Math.floor(index / vocab)}, logit ${index % vocab}: ${a[index]} vs ${b[index]}`;
}
