// Checkpoint namings round-trip: weights written in each naming the file declares are recognised as that
// naming and load back bit for bit.
import { bufferSource, chooseNaming, concatChunks, encodeSafetensors, exportNamed, internalPlan, loadNamed, openStore, type CheckpointPlan } from '@tdl/runtime';
import type { Property } from '../property.js';
import { firstDifference } from '../property.js';
import type { Subject } from '../subject.js';

/** Weights written in `plan`'s naming as one safetensors file, opened as a store. */
export async function storeIn(plan: CheckpointPlan, weights: ReadonlyMap<string, Float32Array>, label: string) {
  const tensors = exportNamed(plan, weights).map((t) => ({ name: t.name, shape: t.shape, data: t.data() }));
  const bytes = concatChunks(encodeSafetensors(tensors));
  return openStore(label, [{ name: label, source: bufferSource(bytes) }]);
}

export const namingRoundTrip: Property = {
  name: 'namings',
  claim: 'weights written in each checkpoint naming load back as that naming, bit for bit',
  applies: () => undefined,
  once: true,
  length: () => ({ min: 1, max: 1 }),
  async check(subject: Subject, c) {
    const plans = [internalPlan(subject.manifest.params), ...subject.namings];
    const weights = subject.weights(c.seed);
    for (const plan of plans) {
      const store = await storeIn(plan, weights, `${plan.naming}.safetensors`);
      const fit = chooseNaming(plans, store, { model: subject.graph.name });
      if (fit.plan.naming !== plan.naming) return `weights written in naming '${plan.naming}' were taken for '${fit.plan.naming}'`;
      const back = await loadNamed(fit, store, subject.manifest.params);
      for (const [name, data] of weights) {
        const got = back.get(name);
        if (!got) return `naming '${plan.naming}' lost parameter ${name}`;
        const at = firstDifference(data, got);
        if (at >= 0) return `naming '${plan.naming}' changed ${name}[${at}]: ${data[at]} became ${got[at]}`;
      }
    }
    return undefined;
  },
};
