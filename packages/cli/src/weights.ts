// Checkpoints on disk: one safetensors file, a sharded checkpoint's index, a folder holding either, or a GGUF file;
// read through the naming that fits (or the one asked for), and written in any naming of the model.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  chooseNaming,
  exportNamed,
  fitNaming,
  internalPlan,
  loadNamed,
  openGgufStore,
  openStore,
  parseShardIndex,
  readHeader,
  readTensorF32,
  safetensorsChunks,
  UsageError,
  type CheckpointPlan,
  type NamingFit,
  type ParamSpec,
  type ShardIndex,
  type TensorStore,
  type WeightMap,
  type WriteDType,
} from '@tdl/runtime';
import { openFileSource, readText, writeAtomic, type CliIO } from './io.js';
import { progressBar } from './progress.js';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

/** Every naming of a model: its parameter paths (`internal`) and its checkpoint sections. */
export function namingsOf(params: readonly ParamSpec[], sections: readonly CheckpointPlan[]): CheckpointPlan[] {
  return [internalPlan(params), ...sections];
}

/** Which files make up the checkpoint at `path` (a file, an index, or a folder with either). */
function resolveFiles(path: string): { label: string; files: string[]; index?: ShardIndex } {
  let target = path;
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`cannot open ${path}: no such file or folder`);
  }
  if (isDir) {
    if (existsSync(join(path, INDEX_FILE))) target = join(path, INDEX_FILE);
    else if (existsSync(join(path, SINGLE_FILE))) target = join(path, SINGLE_FILE);
    else {
      const found = readdirSync(path).filter((f) => f.endsWith('.safetensors'));
      if (found.length !== 1) {
        throw new UsageError(`${path} is a folder without ${INDEX_FILE} or ${SINGLE_FILE}${found.length ? ` (it has ${found.length} .safetensors files: give one, or an index)` : ''}`);
      }
      target = join(path, found[0]!);
    }
  }
  if (!target.endsWith('.index.json')) return { label: target, files: [target] };
  const index = parseShardIndex(readText(target), target);
  return { label: target, files: index.shards.map((s) => join(dirname(target), s)), index };
}

export interface OpenCheckpoint {
  readonly store: TensorStore;
  close(): void;
}

/** Opens every file of a checkpoint and reads their headers (nothing more). */
export async function openCheckpoint(path: string): Promise<OpenCheckpoint> {
  if (path.toLowerCase().endsWith('.gguf')) {
    const source = openFileSource(path);
    try {
      return { store: (await openGgufStore(path, source)).store, close: () => source.close() };
    } catch (e) {
      source.close();
      throw e;
    }
  }
  const { label, files, index } = resolveFiles(path);
  const opened: { close(): void }[] = [];
  const close = () => opened.forEach((f) => f.close());
  try {
    const sources = files.map((name) => {
      const source = openFileSource(name);
      opened.push(source);
      return { name, source };
    });
    return { store: await openStore(label, sources, index), close };
  } catch (e) {
    close();
    throw e;
  }
}

export interface LoadCheckpointOptions {
  readonly model: string;
  /** The naming to read (`--naming`); by default the one whose names the file has. */
  readonly naming?: string;
  /** Whether the model's config.json ties the head to the embedding (for `tied(…)` sources). */
  readonly tied?: boolean;
  /** Where a progress bar goes for large files. */
  readonly io?: CliIO;
  /** A better message than the list of misfits, from the closest naming's fit (see sizes.ts). */
  readonly explain?: (best: NamingFit, store: TensorStore) => string | undefined;
  /** Takes each parameter as it loads instead of the returned map (see loadNamed). */
  readonly onParam?: (name: string, data: Float32Array) => void;
}

/** The naming `store` fits, or a UsageError: the misfit's list, or what `explain` makes of it. */
function chooseFit(store: TensorStore, params: readonly ParamSpec[], sections: readonly CheckpointPlan[], options: LoadCheckpointOptions): NamingFit {
  const plans = namingsOf(params, sections);
  try {
    return chooseNaming(plans, store, {
      model: options.model,
      ...(options.naming !== undefined ? { naming: options.naming } : {}),
      ...(options.tied !== undefined ? { tied: options.tied } : {}),
    });
  } catch (e) {
    const chosen = options.naming !== undefined ? plans.filter((p) => p.naming === options.naming) : plans;
    if (!(e instanceof UsageError) || !options.explain || !chosen.length) throw e;
    const best = chosen.map((p) => fitNaming(p, store, options.tied)).reduce((a, b) => (b.found > a.found ? b : a));
    const hint = options.explain(best, store);
    throw hint ? new UsageError(hint) : e;
  }
}

/** Checks from the headers alone that a checkpoint fits the model, before anything is allocated for it. */
export async function checkCheckpoint(path: string, params: readonly ParamSpec[], sections: readonly CheckpointPlan[], options: LoadCheckpointOptions): Promise<void> {
  const { store, close } = await openCheckpoint(path);
  try {
    chooseFit(store, params, sections, options);
  } finally {
    close();
  }
}

/** The model's parameters from a checkpoint in any of its namings. */
export async function loadCheckpoint(
  path: string,
  params: readonly ParamSpec[],
  sections: readonly CheckpointPlan[],
  options: LoadCheckpointOptions,
): Promise<{ weights: Map<string, Float32Array>; naming: string }> {
  const { store, close } = await openCheckpoint(path);
  try {
    const fit = chooseFit(store, params, sections, options);
    const total = [...store.tensors.values()].reduce((n, t) => n + t.entry.end - t.entry.begin, 0);
    const onProgress = options.io ? progressBar(options.io, `loading ${basename(store.label)}`, total) : undefined;
    const weights = await loadNamed(fit, store, params, { ...(onProgress ? { onProgress } : {}), ...(options.onParam ? { onParam: options.onParam } : {}) });
    return { weights, naming: fit.plan.naming };
  } finally {
    close();
  }
}

/** Writes `weights` as one safetensors file in the naming `plan`, streaming tensor by tensor. */
export function writeCheckpoint(path: string, plan: CheckpointPlan, weights: WeightMap, dtype: WriteDType, metadata: Record<string, string>): void {
  const tensors = exportNamed(plan, weights).map((t) => ({ name: t.name, shape: t.shape, data: () => t.data(), dtype }));
  writeAtomic(path, safetensorsChunks(tensors, { ...metadata, naming: plan.naming }));
}

/** Reads the memory for cross-attention: a file holding one [S, width] tensor named `memory`. */
export async function loadMemory(path: string, width: number): Promise<{ data: Float32Array; length: number }> {
  const src = openFileSource(path);
  try {
    const header = await readHeader(src, path);
    const entry = header.tensors.get('memory');
    if (!entry) {
      const names = [...header.tensors.keys()];
      throw new UsageError(`${path} has no tensor named 'memory' (it has ${names.length ? names.join(', ') : 'none'})`);
    }
    if (entry.shape.length !== 2 || entry.shape[1] !== width) {
      throw new UsageError(`${path}: 'memory' must be [S, ${width}], found [${entry.shape.join(', ')}]`);
    }
    return { data: await readTensorF32(src, entry), length: entry.shape[0]! };
  } finally {
    src.close();
  }
}

/** The naming called `name` among a model's namings, or a UsageError listing them. */
export function findNaming(namings: readonly CheckpointPlan[], name: string, model: string): CheckpointPlan {
  const plan = namings.find((p) => p.naming === name);
  if (!plan) throw new UsageError(`model '${model}' has no checkpoint naming '${name}' (its namings: ${namings.map((p) => p.naming).join(', ')})`);
  return plan;
}

/** `--dtype f32|f16|bf16` as a safetensors storage type. */
export function parseWriteDType(raw: string | undefined): WriteDType {
  const dtype = (raw ?? 'f32').toUpperCase();
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new UsageError(`--dtype is f32, f16 or bf16, not '${raw}'`);
  return dtype;
}
