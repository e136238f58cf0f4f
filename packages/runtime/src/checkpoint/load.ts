// Loads a checkpoint through a naming's plan, tensor by tensor: each stored tensor is read, transformed
// and kept as the parameters it fills; no second copy of the file is ever held.
import { UsageError } from '../executor.js';
import type { ParamSpec } from '../contract/model.js';
import type { NamingFit } from './fit.js';
import type { PlanTensor } from '../contract/checkpoint.js';
import { joinSource, runForward } from './steps.js';
import { readStored, type TensorStore } from './store.js';

export interface LoadOptions {
  /** Called after each stored tensor is read, with bytes read so far and in all. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Takes each parameter as soon as it is loaded, instead of the returned map (which then holds none of
   * them): a backend that copies weights can let each array go before the next is read.
   */
  readonly onParam?: (name: string, data: Float32Array) => void;
}

/**
 * A tied model reads its head from the embedding: a head stored beside it that holds other data is a
 * different, untied head, and reading the embedding instead would give wrong logits without a word.
 */
async function checkCopies(fit: NamingFit, store: TensorStore): Promise<void> {
  for (const { copy, of } of fit.copies) {
    const a = store.tensors.get(copy)!;
    const b = store.tensors.get(of)!;
    const [x, y] = [await readStored(a), await readStored(b)];
    const differs = x.length !== y.length || x.some((v, i) => v !== y[i] && !(Number.isNaN(v) && Number.isNaN(y[i]!)));
    if (differs) {
      throw new UsageError(
        `${store.label}: ${copy} differs from ${of}, but the model ties its head to the embedding, so ${copy} would be ignored` +
          ' (an untied checkpoint: give its config.json with tie_word_embeddings = false, or a model file with an untied head)',
      );
    }
  }
}

/** The model's parameters from a checkpoint whose naming fits (see `chooseNaming`). */
export async function loadNamed(
  fit: NamingFit,
  store: TensorStore,
  params: readonly ParamSpec[],
  options: LoadOptions = {},
): Promise<Map<string, Float32Array>> {
  if (!fit.ok) throw new TypeError('loadNamed needs a naming that fits the checkpoint (see chooseNaming)');
  await checkCopies(fit, store);
  const stored = (t: PlanTensor) => store.tensors.get(fit.resolved.get(t)!)!;
  const entries = fit.plan.entries;
  // Tensors read untransformed by several entries (tied weights) are read once and shared.
  const reads = new Map<string, number>();
  for (const e of entries) {
    if (e.source.kind === 'tensor' && e.steps.length === 0) {
      const name = fit.resolved.get(e.source.tensor)!;
      reads.set(name, (reads.get(name) ?? 0) + 1);
    }
  }
  const shared = new Map<string, Float32Array>();
  let total = 0;
  const counted = new Set<string>();
  for (const e of entries) {
    for (const t of e.source.kind === 'tensor' ? [e.source.tensor] : e.source.parts) {
      const s = stored(t);
      const name = fit.resolved.get(t)!;
      if ((reads.get(name) ?? 0) > 1 && counted.has(name)) continue;
      counted.add(name);
      total += s.entry.end - s.entry.begin;
    }
  }

  const out = new Map<string, Float32Array>();
  const filled = new Set<string>();
  let done = 0;
  for (const e of entries) {
    const parts = e.source.kind === 'tensor' ? [e.source.tensor] : e.source.parts;
    const tensors = [];
    for (const t of parts) {
      const name = fit.resolved.get(t)!;
      let data = shared.get(name);
      if (!data) {
        const s = stored(t);
        data = await readStored(s);
        done += s.entry.end - s.entry.begin;
        options.onProgress?.(done, total);
        if ((reads.get(name) ?? 0) > 1 && e.steps.length === 0) shared.set(name, data);
      }
      tensors.push({ data, shape: t.shape });
    }
    const results = runForward(e, joinSource(e.source, tensors));
    e.targets.forEach((target, j) => {
      filled.add(target);
      if (options.onParam) options.onParam(target, results[j]!.data);
      else out.set(target, results[j]!.data);
    });
  }
  const absent = params.filter((p) => !filled.has(p.name));
  if (absent.length) {
    throw new UsageError(`naming '${fit.plan.naming}' fills no value for ${absent.map((p) => p.name).join(', ')} (the naming was compiled for another model?)`);
  }
  return out;
}
