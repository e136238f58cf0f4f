// Parameter count from analysis = count of the loaded weights: the checker's total equals the floats
// the manifest's parameters hold and the floats a checkpoint in the parameter paths loads back.
import { analyze } from '@tdl/compiler';
import { chooseNaming, internalPlan, loadNamed, numelOf } from '@tdl/runtime';
import type { Property } from '../property.js';
import { storeIn } from './namings.js';

export const paramCount: Property = {
  name: 'params',
  claim: 'the analysis’ parameter count is the count of the loaded weights',
  applies: () => undefined,
  once: true,
  length: () => ({ min: 1, max: 1 }),
  async check(subject, c) {
    const counted = analyze(subject.graph).params.total;
    const declared = subject.manifest.params.reduce((n, p) => n + numelOf(p.shape), 0);
    if (declared !== counted) return `analysis counts ${counted} parameters, the manifest's tensors hold ${declared}`;
    const plan = internalPlan(subject.manifest.params);
    const store = await storeIn(plan, subject.weights(c.seed), 'params.safetensors');
    const loaded = await loadNamed(chooseNaming([plan], store, { model: subject.graph.name }), store, subject.manifest.params);
    const floats = [...loaded.values()].reduce((n, w) => n + w.length, 0);
    return floats === counted ? undefined : `analysis counts ${counted} parameters, the loaded weights hold ${floats}`;
  },
};
