// One ONNX Runtime measurement, in its own process: a model shape exported to ONNX (tdl's exporter,
// seeded weights as measure.mjs makes them), run in onnxruntime-node's CPU provider with N threads:
// a 128-token prefill and 256 greedy tokens decoded from a 1-token prompt, the present fed back as the
// past, as optimum's generation loop does. Cold runs first, then the warm ones that are reported.
// Usage: node bench/lib/measure-onnx.mjs SHAPE --threads N [--tokens 256] [--prompt 128] [--ops standard|contrib]
// Prints one JSON object.
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { compiler, runtime } from './packages.mjs';
import { checkedShape } from './shapes.mjs';
import { load } from './stats.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '1' }, tokens: { type: 'string', default: '256' }, prompt: { type: 'string', default: '128' }, ops: { type: 'string', default: 'standard' } },
});
const threads = Number(values.threads);
const tokens = Number(values.tokens);
const promptLength = Number(values.prompt);
const loads = [load()];

let t = performance.now();
const { shape, graph } = checkedShape(positionals[0]);
const weights = runtime.initWeights(graph.params, 0);
const exported = compiler.exportOnnx(graph, { ops: values.ops });
const { model } = compiler.encodeOnnx(exported.model, { tensor: (i) => runtime.fromFloat32(weights.get(i.param), 'F32') });
const exportMs = performance.now() - t;

t = performance.now();
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
const sessionMs = performance.now() - t;
const vocab = exported.vocab;
const int64 = (xs, dims) => new ort.Tensor('int64', BigInt64Array.from(xs, (x) => BigInt(x)), dims);

function emptyPast() {
  const past = {};
  for (const c of exported.caches) for (const kv of ['key', 'value']) past[`past_key_values.${c.index}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, c.kvHeads, 0, c.headDim]);
  return past;
}

/** Runs `ids` after `position` cached tokens; returns the last row's greedy id and the new past. */
async function step(ids, position, past) {
  const out = await session.run({
    input_ids: int64(ids, [1, ids.length]),
    attention_mask: int64(new Array(position + ids.length).fill(1), [1, position + ids.length]),
    position_ids: int64(ids.map((_, i) => position + i), [1, ids.length]),
    ...past,
  });
  const logits = out.logits.data;
  let best = 0;
  const base = (ids.length - 1) * vocab;
  for (let i = 1; i < vocab; i++) if (logits[base + i] > logits[base + best]) best = i;
  const next = {};
  for (const c of exported.caches) for (const kv of ['key', 'value']) next[`past_key_values.${c.index}.${kv}`] = out[`present.${c.index}.${kv}`];
  return { id: best, past: next };
}

async function prefill(prompt) {
  const start = performance.now();
  await step(prompt, 0, emptyPast());
  return (performance.now() - start) / 1000;
}

/** Decodes `count` tokens after a 1-token prompt; the seconds of the decode steps alone. */
async function decode(count) {
  let { id, past } = await step([1], 0, emptyPast());
  const start = performance.now();
  for (let i = 1; i < count; i++) ({ id, past } = await step([id], i, past));
  loads.push(load());
  return (performance.now() - start) / 1000;
}

const longPrompt = Array.from({ length: promptLength }, (_, i) => (i * 7919 + 13) % vocab);
const coldPrefill = await prefill(longPrompt);
await decode(tokens);
const warmPrefill = await prefill(longPrompt);
const warmDecode = await decode(tokens);
await session.release();

console.log(
  JSON.stringify({
    shape: shape.name,
    engine: `onnxruntime-node ${ort.env.versions.node}`,
    ops: values.ops,
    threads,
    exportMs,
    sessionMs,
    modelBytes: model.byteLength,
    prefillTokensPerSecond: promptLength / warmPrefill,
    coldPrefillTokensPerSecond: promptLength / coldPrefill,
    decodeTokensPerSecond: (tokens - 1) / warmDecode,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    load: loads.reduce((a, b) => a + b, 0) / loads.length,
  }),
);
