// A naming's plan fitted to a checkpoint, loaded, and run backwards to export: what goes in comes out,
// and a checkpoint that does not fit gets one message naming every problem by stored name.
import { describe, expect, it } from 'vitest';
import {
  bufferSource,
  chooseNaming,
  concatChunks,
  encodeSafetensors,
  exportNamed,
  fitNaming,
  ignorePattern,
  internalPlan,
  loadNamed,
  openStore,
  parseShardIndex,
  safetensorsChunks,
  UsageError,
  type CheckpointPlan,
  type ParamSpec,
  type TensorStore,
} from '../../src/index.js';

const normal = { kind: 'normal', std: 1 } as const;
const PARAMS: ParamSpec[] = [
  { name: 'emb.weight', shape: [5, 4], init: normal },
  { name: 'attn.q.weight', shape: [4, 4], init: normal },
  { name: 'attn.k.weight', shape: [2, 4], init: normal },
  { name: 'attn.v.weight', shape: [2, 4], init: normal },
  { name: 'head.weight', shape: [5, 4], init: normal },
];

/** Packed [in, 8] Conv1D-style qkv, a tied head, and a buffer to ignore. */
const PACKED: CheckpointPlan = {
  naming: 'packed',
  entries: [
    { targets: ['emb.weight'], source: { kind: 'tensor', tensor: { names: ['wte'], shape: [5, 4] } }, steps: [], rule: 't:1' },
    {
      targets: ['attn.q.weight', 'attn.k.weight', 'attn.v.weight'],
      source: { kind: 'tensor', tensor: { names: ['c_attn'], shape: [4, 8] } },
      steps: [
        { op: 'transpose', axes: [0, 1], shapes: [[8, 4]] },
        { op: 'split', axis: 0, sizes: [4, 2, 2], groups: 1, shapes: [[4, 4], [2, 4], [2, 4]] },
      ],
      rule: 't:2',
    },
    { targets: ['head.weight'], source: { kind: 'tensor', tensor: { names: ['lm_head', 'wte'], shape: [5, 4] } }, steps: [], rule: 't:3' },
  ],
  ignore: ['h.{i}.masked_bias'],
};

function weightsOf(params: readonly ParamSpec[], seed: number): Map<string, Float32Array> {
  let s = seed;
  return new Map(params.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5)]));
}

async function storeOf(tensors: { name: string; shape: number[]; data: Float32Array; dtype?: 'F32' | 'F16' | 'BF16' }[]): Promise<TensorStore> {
  return openStore('test.safetensors', [{ name: 'test.safetensors', source: bufferSource(concatChunks(encodeSafetensors(tensors))) }]);
}

async function storeFromExport(plan: CheckpointPlan, weights: Map<string, Float32Array>): Promise<TensorStore> {
  const bytes = concatChunks(safetensorsChunks(exportNamed(plan, weights)));
  return openStore('exported.safetensors', [{ name: 'exported.safetensors', source: bufferSource(bytes) }]);
}

describe('checkpoint plans', () => {
  it('export then load gives back every parameter exactly, through transposes and splits', async () => {
    const weights = weightsOf(PARAMS, 1);
    const store = await storeFromExport(PACKED, weights);
    // first_of(...) exports under its first name.
    expect([...store.tensors.keys()]).toEqual(['wte', 'c_attn', 'lm_head']);
    expect(store.tensors.get('c_attn')!.entry.shape).toEqual([4, 8]);
    const fit = chooseNaming([internalPlan(PARAMS), PACKED], store, { model: 'm' });
    expect(fit.plan.naming).toBe('packed');
    const loaded = await loadNamed(fit, store, PARAMS);
    for (const p of PARAMS) expect(Array.from(loaded.get(p.name)!)).toEqual(Array.from(weights.get(p.name)!));
  });

  it('hands each parameter to onParam as it loads, once, and keeps none itself', async () => {
    const weights = weightsOf(PARAMS, 3);
    const store = await storeFromExport(PACKED, weights);
    const taken = new Map<string, Float32Array>();
    const loaded = await loadNamed(fitNaming(PACKED, store), store, PARAMS, {
      onParam: (name, data) => {
        expect(taken.has(name), name).toBe(false);
        taken.set(name, data);
      },
    });
    expect(loaded.size).toBe(0);
    expect([...taken.keys()].sort()).toEqual(PARAMS.map((p) => p.name).sort());
    for (const p of PARAMS) expect(Array.from(taken.get(p.name)!)).toEqual(Array.from(weights.get(p.name)!));
  });

  it('without the optional tensor, its alternative is read once for both parameters', async () => {
    const weights = weightsOf(PARAMS, 1);
    const store = await storeOf([
      { name: 'wte', shape: [5, 4], data: weights.get('emb.weight')! },
      { name: 'c_attn', shape: [4, 8], data: new Float32Array(32) },
    ]);
    const loaded = await loadNamed(fitNaming(PACKED, store), store, PARAMS);
    expect(loaded.get('head.weight')).toBe(loaded.get('emb.weight'));
    expect(Array.from(loaded.get('head.weight')!)).toEqual(Array.from(weights.get('emb.weight')!));
  });

  it('the packed tensor is laid out as a Conv1D stores it: column block j is target j, transposed', async () => {
    const weights = weightsOf(PARAMS, 2);
    weights.set('head.weight', weights.get('emb.weight')!);
    const packed = exportNamed(PACKED, weights).find((t) => t.name === 'c_attn')!.data();
    const q = weights.get('attn.q.weight')!;
    const k = weights.get('attn.k.weight')!;
    for (let i = 0; i < 4; i++) {
      for (let o = 0; o < 4; o++) expect(packed[i * 8 + o]).toBe(q[o * 4 + i]);
      for (let o = 0; o < 2; o++) expect(packed[i * 8 + 4 + o]).toBe(k[o * 4 + i]);
    }
  });

  it('a tied naming exports a shared tensor once, and refuses two different values for it', () => {
    const tied: CheckpointPlan = {
      ...PACKED,
      entries: PACKED.entries.map((e) => (e.targets[0] === 'head.weight' ? { ...e, source: { kind: 'tensor', tensor: { names: ['wte'], shape: [5, 4] } } } : e)),
    };
    const weights = weightsOf(PARAMS, 3);
    expect(() => exportNamed(tied, weights)).toThrow("naming 'packed' stores emb.weight and head.weight as one tensor 'wte', but their values differ");
    weights.set('head.weight', weights.get('emb.weight')!.slice());
    expect(exportNamed(tied, weights).map((t) => t.name)).toEqual(['wte', 'c_attn']);
  });

  it('names missing, unexpected, mis-shaped and mis-typed tensors by their stored names, in one message', async () => {
    const store = await storeOf([
      { name: 'wte', shape: [5, 3], data: new Float32Array(15) },
      { name: 'h.0.masked_bias', shape: [1], data: new Float32Array(1) },
      { name: 'stray', shape: [2], data: new Float32Array(2) },
    ]);
    const fit = fitNaming(PACKED, store);
    expect(fit.ok).toBe(false);
    expect(fit.missing).toEqual(['c_attn [4, 8]']);
    expect(fit.unexpected).toEqual(['stray [2]']);
    expect(fit.misshaped).toEqual(['wte: expected [5, 4], found [5, 3]']);
    let message = '';
    try {
      chooseNaming([PACKED], store, { model: 'm', naming: 'packed' });
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      message = (e as Error).message;
    }
    expect(message).toBe(
      "test.safetensors does not fit this model ('m', naming 'packed'):\n" +
        '  missing 1 tensor: c_attn [4, 8]\n' +
        '  unexpected 1 tensor: stray [2]\n' +
        '  wrong shape for 1 tensor: wte: expected [5, 4], found [5, 3]',
    );
  });

  it('alternatives: a missing optional tensor is reported with its alternatives', async () => {
    const store = await storeOf([{ name: 'c_attn', shape: [4, 8], data: new Float32Array(32) }]);
    expect(fitNaming(PACKED, store).missing).toEqual(['wte [5, 4]', 'lm_head [5, 4] (or wte)']);
  });

  it('picks the naming the file fits, or names the closest and the choices', async () => {
    const weights = weightsOf(PARAMS, 4);
    const internal = await storeFromExport(internalPlan(PARAMS), weights);
    expect(chooseNaming([internalPlan(PARAMS), PACKED], internal, { model: 'm' }).plan.naming).toBe('internal');
    expect(() => chooseNaming([internalPlan(PARAMS), PACKED], internal, { model: 'm', naming: 'nope' })).toThrow("model 'm' has no checkpoint naming 'nope' (its namings: internal, packed)");
    const broken = await storeOf([{ name: 'emb.weight', shape: [5, 4], data: new Float32Array(20) }]);
    expect(() => chooseNaming([internalPlan(PARAMS), PACKED], broken, { model: 'm' })).toThrow(/closest is 'internal'\. Its namings: internal, packed; choose one with --naming/);
  });

  it('integer tensors are refused as weights', async () => {
    const store = await openStore('ints', [
      {
        name: 'ints',
        source: bufferSource(
          (() => {
            const json = new TextEncoder().encode(JSON.stringify({ 'emb.weight': { dtype: 'I32', shape: [5, 4], data_offsets: [0, 80] } }));
            const out = new Uint8Array(8 + json.length + 80);
            new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
            out.set(json, 8);
            return out;
          })(),
        ),
      },
    ]);
    expect(fitNaming(internalPlan(PARAMS.slice(0, 1)), store).mistyped).toEqual(['emb.weight is I32']);
  });

  it('ignore patterns: {x} is a run of characters without a dot', () => {
    const re = ignorePattern('transformer.h.{i}.attn.bias');
    expect(re.test('transformer.h.11.attn.bias')).toBe(true);
    expect(re.test('transformer.h.1.2.attn.bias')).toBe(false);
    expect(re.test('transformerXh.1.attn.bias')).toBe(false);
    expect(ignorePattern('rope.freqs').test('rope.freqs')).toBe(true);
  });

  it('sharded checkpoints: the index is checked against the shards', async () => {
    const a = bufferSource(concatChunks(encodeSafetensors([{ name: 'x', shape: [1], data: Float32Array.of(1) }])));
    const b = bufferSource(concatChunks(encodeSafetensors([{ name: 'y', shape: [1], data: Float32Array.of(2) }])));
    const index = parseShardIndex(JSON.stringify({ metadata: {}, weight_map: { x: 'a.safetensors', y: 'b.safetensors' } }), 'i.json');
    expect(index.shards).toEqual(['a.safetensors', 'b.safetensors']);
    const store = await openStore('i.json', [{ name: 'd/a.safetensors', source: a }, { name: 'd/b.safetensors', source: b }], index);
    expect([...store.tensors.keys()]).toEqual(['x', 'y']);
    await expect(openStore('i.json', [{ name: 'd/a.safetensors', source: a }, { name: 'd/b.safetensors', source: a }], index)).rejects.toThrow("i.json: tensor 'x' is in both d/a.safetensors and d/b.safetensors");
    const wrong = parseShardIndex(JSON.stringify({ weight_map: { x: 'b.safetensors', y: 'b.safetensors' } }), 'i.json');
    await expect(openStore('i.json', [{ name: 'd/a.safetensors', source: a }, { name: 'd/b.safetensors', source: b }], wrong)).rejects.toThrow("the index puts 'x' in b.safetensors, but it is in d/a.safetensors");
    expect(() => parseShardIndex('{"weight_map": {"x": "../x.safetensors"}}', 'i.json')).toThrow('not a shard file beside the index');
    expect(() => parseShardIndex('[]', 'i.json')).toThrow('no "weight_map" object');
    expect(() => parseShardIndex('{', 'i.json')).toThrow('not valid JSON');
  });

  it('progress is reported in bytes, ending at the total', async () => {
    const weights = weightsOf(PARAMS, 5);
    const store = await storeFromExport(internalPlan(PARAMS), weights);
    const seen: [number, number][] = [];
    await loadNamed(fitNaming(internalPlan(PARAMS), store), store, PARAMS, { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toHaveLength(PARAMS.length);
    expect(seen.at(-1)).toEqual([4 * (20 + 16 + 8 + 8 + 20), 4 * (20 + 16 + 8 + 8 + 20)]);
  });
});
