// Fusion joins two linear maps of one input into one linear2 step, per token only, and nothing else.
import { describe, expect, it } from 'vitest';
import { fuseSteps } from '../../../src/codegen/schedule/fuse.js';
import type { LinearStep, Rows, Step } from '../../../src/codegen/schedule/index.js';

const ref = (name: string, width = 8) => ({ id: 0, name, dtype: 'f32' as const, width });
const weight = { param: 'w', field: 'w', placement: 'model' as const, shape: [8, 8], linear: true, embedding: false, bias: false };
const lin = (out: string, x: string, rows: Rows = 'R', phase: 'stream' | 'memory' = 'stream'): LinearStep =>
  ({ phase, kind: 'linear', node: {} as LinearStep['node'], out: { ...ref(out), rows, slot: 0, label: out }, x: ref(x), weight });
const other = (out: string): Step => ({ ...lin(out, 'z'), kind: 'rms_norm' }) as unknown as Step;

describe('fusing linear maps', () => {
  it('fuses the first pair sharing an input, at the first one, and keeps the order of the rest', () => {
    const [norm, act] = [other('h'), other('act')];
    const [gate, up] = [lin('gate', 'h'), lin('up', 'h')];
    const fused = fuseSteps([norm, gate, act, up, lin('more', 'act')]);
    expect(fused.map((s) => s.kind)).toEqual(['rms_norm', 'linear2', 'rms_norm', 'linear']);
    expect(fused[1]).toMatchObject({ kind: 'linear2', first: gate, second: up });
  });

  it('leaves maps of different inputs, row counts or phases apart', () => {
    const steps = [lin('a', 'h'), lin('b', 'g'), lin('c', 'h', 'tail'), lin('d', 'h', 'S', 'memory'), lin('e', 'h', 'S', 'memory')];
    expect(fuseSteps(steps)).toEqual(steps);
  });
});
