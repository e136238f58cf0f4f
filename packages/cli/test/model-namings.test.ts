// Every checkpoint naming of every model file, through the tdl command: seeded weights written in a
// naming (`tdl init --naming`) load back by detection as that naming, tensor for tensor, and
// `tdl export` to the parameter paths and back gives the same tensors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initWeights } from '@tdl/runtime';
import { readTensors } from './support/pytorch-goldens.js';
import { main, type CliIO } from '../src/index.js';
import { loadModel } from '../src/model.js';
import { loadCheckpoint } from '../src/weights.js';
import { ROOT, SHRUNK, modelFiles } from './support/model-files.js';

const temp = mkdtempSync(join(tmpdir(), 'tdl-namings-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };
const setFlags = (set: Record<string, number>) => Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

async function tdl(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(argv, { stdout: { write: () => {} }, stderr: { write: (s) => void (stderr += s) } });
  return { code, stderr };
}

const rows = modelFiles().flatMap((file) => {
  const { namings } = loadModel(quiet, join(ROOT, 'models', file), SHRUNK[file]!);
  return ['internal', ...namings.map((n) => n.naming)].map((naming) => [file, naming] as const);
});

describe('checkpoint namings of the model library', () => {
  it('every model file names the checkpoints it loads in at least one section', () => {
    const withSections = new Set(rows.filter(([, n]) => n !== 'internal').map(([f]) => f));
    expect(modelFiles().filter((f) => !withSections.has(f))).toEqual([]);
  });

  it.each(rows)('%s: init --naming %s loads back by detection, tensor for tensor', async (file, naming) => {
    const model = join(ROOT, 'models', file);
    const set = SHRUNK[file]!;
    const out = join(temp, `${file}-${naming}.safetensors`);
    const r = await tdl('init', model, ...setFlags(set), '--seed', '3', '--naming', naming, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { graph, namings } = loadModel(quiet, model, set);
    const loaded = await loadCheckpoint(out, graph.params, namings, { model: graph.name });
    expect(loaded.naming).toBe(naming);
    const want = initWeights(graph.params, 3);
    for (const p of graph.params) expect(loaded.weights.get(p.name), p.name).toEqual(want.get(p.name));
    if (naming === 'internal') return;
    // Out to the parameter paths and back into the naming: the same tensors under the same names.
    const internal = join(temp, `${file}-${naming}-internal.safetensors`);
    const back = join(temp, `${file}-${naming}-back.safetensors`);
    expect((await tdl('export', model, ...setFlags(set), '--weights', out, '--naming', 'internal', '--out', internal)).code).toBe(0);
    expect((await tdl('export', model, ...setFlags(set), '--weights', internal, '--from', 'internal', '--naming', naming, '--out', back)).code).toBe(0);
    const [a, b] = [await readTensors(out), await readTensors(back)];
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, data] of a) expect(b.get(name), name).toEqual(data);
  });
});
