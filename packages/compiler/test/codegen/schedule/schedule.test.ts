// The schedule decides, once for every backend: phases, the tail split, layer bodies, carried values,
// names and slots, and fusion where the target asks for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../../src/index.js';
import { schedule, type Schedule, type Step } from '../../../src/codegen/schedule/index.js';

const ROOT = new URL('../../../../..', import.meta.url).pathname;

function scheduled(file: string, fuse = false, layers = 2): Schedule {
  const name = `models/${file}`;
  const result = checkSource({ name, text: readFileSync(join(ROOT, name), 'utf8') }, { overrides: { layers } });
  if (!result.ok || !result.graph) throw new Error(`${name} does not check`);
  return schedule(result.graph, { fuse });
}

const kinds = (steps: readonly Step[]) => steps.map((s) => (s.kind === 'region' ? `region ${s.region.label}` : `${s.phase === 'memory' ? 'memory ' : ''}${s.kind}`));

describe('the schedule', () => {
  it('walks LLaMA as embedding, one region, then the tail: the final norm and head on the last rows', () => {
    const s = scheduled('llama.tdl');
    expect(kinds(s.steps)).toEqual(['embedding', 'region layers', 'tail', 'rms_norm', 'linear']);
    const tail = s.steps[2]!;
    expect(tail.kind === 'tail' && tail.slices.map((x) => [x.from, x.to])).toEqual([['layers_x', 'layers_x_rows']]);
    const head = s.steps[4]!;
    expect(head.kind === 'linear' && [head.out.rows, head.x.name]).toEqual(['tail', 'norm']);
    expect(s.output.name).toBe(head.kind === 'linear' ? head.out.name : '');
  });

  it('gives a region its carried values, and each body its layers, fields and results', () => {
    const region = scheduled('gemma2.tdl').steps.find((s) => s.kind === 'region');
    if (region?.kind !== 'region') throw new Error('no region');
    const r = region.region;
    expect(r.carried.map((c) => [c.variable, c.name, c.init.name, c.width])).toEqual([['x', 'layers_x', 'scale', 2304]]);
    expect(r.bodyOfLayer).toEqual([0, 1]);
    expect(r.bodies.map((b) => b.layers)).toEqual([[0], [1]]);
    const body = r.bodies[0]!;
    expect(body.carried).toEqual([{ name: 'x', id: expect.any(Number) }]);
    expect(body.weights[0]).toMatchObject({ placement: 'layer', param: expect.stringContaining('{i}') });
    expect(body.caches).toEqual([expect.objectContaining({ kind: 'self', placement: 'layer' })]);
    expect(body.results).toHaveLength(1);
    expect(body.results[0]!.slot).toBeGreaterThanOrEqual(2_000_000);
  });

  it('puts what depends on the memory alone in the memory phase: cross-attention keys and values', () => {
    const s = scheduled('whisper-decoder.tdl');
    const region = s.steps.find((x) => x.kind === 'region');
    if (region?.kind !== 'region') throw new Error('no region');
    const body = region.region.bodies[0]!;
    const cross = body.steps.filter((x) => x.kind === 'attention' && x.cross);
    expect(cross).toHaveLength(1);
    expect(body.steps.filter((x) => x.phase === 'memory').map((x) => x.kind)).toEqual(['cross_kv']);
    expect(body.memoryArgs.map((a) => a.outer.name)).toEqual(['memory']);
    expect(region.region.hasMemory).toBe(true);
    expect(s.manifest.memory).toMatchObject({ name: 'memory', width: 384 });
  });

  it('fuses only when asked: linear pairs of one input and q/k/v from one input', () => {
    const plain = scheduled('llama.tdl');
    const fused = scheduled('llama.tdl', true);
    const body = (s: Schedule) => {
      const r = s.steps.find((x) => x.kind === 'region');
      if (r?.kind !== 'region') throw new Error('no region');
      return r.region.bodies[0]!.steps;
    };
    expect(body(plain).some((x) => x.kind === 'linear2')).toBe(false);
    expect(body(plain).some((x) => x.kind === 'attention' && x.fusedQkv)).toBe(false);
    const pair = body(fused).find((x) => x.kind === 'linear2');
    expect(pair?.kind === 'linear2' && [pair.first.out.label, pair.second.out.label]).toEqual(['gate', 'up']);
    expect(body(fused).some((x) => x.kind === 'attention' && x.fusedQkv)).toBe(true);
  });

  it('names each value once in its scope and gives every output its own slot', () => {
    const s = scheduled('sandwich.tdl');
    const slots: number[] = [];
    const visit = (steps: readonly Step[]) => {
      const names = new Set<string>();
      for (const step of steps) {
        if (step.kind === 'region') step.region.bodies.forEach((b) => visit(b.steps));
        const outs = step.kind === 'linear2' ? [step.first.out, step.second.out] : 'out' in step ? [step.out] : [];
        for (const o of outs) {
          expect(names.has(o.name), o.name).toBe(false);
          names.add(o.name);
          slots.push(o.slot);
        }
      }
    };
    visit(s.steps);
    expect(new Set(slots).size).toBe(slots.length);
  });
});
