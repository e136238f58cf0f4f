// Inferred shapes = produced shapes: every buffer the CPU module asks its workspace for, for a value of
// the graph, holds exactly the elements of the shape the checker inferred for it.
import { evalDim, typeToString, valueTypes } from '@tdl/compiler';
import * as cpu from '@tdl/runtime-cpu';
import type { Property } from '../property.js';
import { allLogits, memoryRows, withCpu } from '../run-model.js';

export const shapes: Property = {
  name: 'shapes',
  claim: 'every buffer the CPU backend fills has the shape the checker inferred',
  applies: () => undefined,
  length: (s) => ({ min: 1, max: Math.min(s.manifest.context, 9) }),
  async check(subject, c, host) {
    const base = (host.kernels ?? cpu) as typeof cpu;
    const requests: { slot: number; n: number }[] = [];
    class RecordingWorkspace extends base.Workspace {
      override f32(slot: number, n: number) {
        requests.push({ slot, n });
        return super.f32(slot, n);
      }
      override i32(slot: number, n: number) {
        requests.push({ slot, n });
        return super.i32(slot, n);
      }
    }
    await withCpu(subject, c, host, (ex) => allLogits(ex, subject, c.ids, c.seed), { kernels: { ...base, Workspace: RecordingWorkspace } });
    const types = valueTypes(subject.graph);
    let checked = 0;
    for (const r of requests) {
      const type = types.get(r.slot);
      if (!type) continue; // a kernel's scratch slot, not a value of the graph
      const want = type.shape.reduce((acc, d) => acc * evalDim(d, { T: c.ids.length, S: memoryRows(subject) }), 1);
      if (r.n !== want) return `value %${r.slot} got a buffer of ${r.n} elements, its inferred type ${typeToString(type)} holds ${want}`;
      checked++;
    }
    return checked ? undefined : 'no buffer of a graph value was seen';
  },
};
