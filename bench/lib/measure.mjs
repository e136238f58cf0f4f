// One measurement, in its own process (so peak memory is this model's alone): compiles a model shape,
// makes seeded weights, then times a 128-token prefill and 256 greedy decoded tokens, cold and warm.
// Usage: node bench/lib/measure.mjs SHAPE --kernels wasm|js --threads N [--weight-dtype f32|bf16|f16] [--tokens 256] [--prompt 128]
// Prints one JSON object.
import { parseArgs } from 'node:util';
import { compiler, cpu, nodeThreads, runtime } from './packages.mjs';
import { checkedShape } from './shapes.mjs';
import { load } from './stats.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { kernels: { type: 'string', default: 'wasm' }, threads: { type: 'string', default: '1' }, 'weight-dtype': { type: 'string', default: 'f32' }, tokens: { type: 'string', default: '256' }, prompt: { type: 'string', default: '128' } },
});
const tokens = Number(values.tokens);
const promptLength = Number(values.prompt);
const loads = [load()];

let t = performance.now();
const { shape, graph } = checkedShape(positionals[0]);
const module = cpu.loadGeneratedModule(compiler.transpileCpuModule(compiler.generateCpuModule(graph).typescript), cpu);
const compileMs = performance.now() - t;

t = performance.now();
let weights = runtime.initWeights(module.MODEL.params, 0);
const initMs = performance.now() - t;
t = performance.now();
const weightFormat = values['weight-dtype'];
const executor = new cpu.CpuExecutor(module, weights, { wasm: values.kernels === 'wasm', threads: nodeThreads(Number(values.threads)), weightFormat });
weights = undefined; // the executor has what it needs (an arena keeps its own copy)
const loadMs = performance.now() - t;

/**
 * Weight bytes a decode step reads: every parameter but the embedding table (f32), of which it reads one
 * row; the packed matrices in the weight format.
 */
function weightBytesPerToken() {
  const tables = new Set(graph.items.filter((i) => i.op === 'embedding').map((i) => i.weight));
  const packed = new Set(module.MODEL.packed);
  let bytes = 0;
  for (const p of module.MODEL.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    if (tables.has(p.name)) bytes += 4 * p.shape[p.shape.length - 1];
    else bytes += (packed.has(p.name) && weightFormat !== 'f32' ? 2 : 4) * n;
  }
  return bytes;
}

async function run(prompt, maxTokens) {
  let done;
  for await (const e of runtime.generate(executor, prompt, { maxTokens, stopTokens: [] })) if (e.kind === 'done') done = e;
  loads.push(load());
  return done;
}

const vocab = module.MODEL.vocab;
const longPrompt = Array.from({ length: promptLength }, (_, i) => (i * 7919 + 13) % vocab);
const one = [1];
// Cold: the first prefill this process runs (what a user's first token waits for), then warm runs.
const coldPrefill = await run(longPrompt, 1);
const decode1 = await run(one, tokens);
const warmPrefill = await run(longPrompt, 1);
const decode2 = await run(one, tokens);
const decode = decode1.timings.generatedTokens ? decode2 : decode1; // the warm run
executor.dispose();

console.log(
  JSON.stringify({
    shape: shape.name,
    kernels: executor.wasm ? 'wasm' : 'js',
    weightFormat,
    threads: executor.threads,
    compileMs,
    initMs,
    loadMs,
    params: module.MODEL.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0),
    weightBytesPerToken: weightBytesPerToken(),
    prefillTokensPerSecond: warmPrefill.timings.prefillTokensPerSecond,
    coldPrefillTokensPerSecond: coldPrefill.timings.prefillTokensPerSecond,
    timeToFirstTokenMs: warmPrefill.timings.timeToFirstTokenMs,
    coldTimeToFirstTokenMs: coldPrefill.timings.timeToFirstTokenMs,
    decodeTokensPerSecond: decode.timings.decodeTokensPerSecond,
    decodedTokens: decode.timings.generatedTokens,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    load: loads.reduce((a, b) => a + b, 0) / loads.length,
  }),
);
