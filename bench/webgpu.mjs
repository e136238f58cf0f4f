// Times the WebGPU backend against the CPU backend on the adapter this machine offers (SwiftShader when
// there is no GPU): start-up (kernels compiled, weights uploaded), prefill and decode speed, and whether
// the greedy tokens agree. A suite of `pnpm bench`; alone, after `pnpm build`:
// node bench/webgpu.mjs [MODEL.tdl --set k=v …]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const title = 'WebGPU against the CPU';

const root = fileURLToPath(new URL('..', import.meta.url));
const load = (path) => import(join(root, path)).catch(() => {
  console.error(`bench/webgpu.mjs: ${path} is missing: run \`npx -y pnpm@12.4.2 build\` first`);
  process.exit(1);
});
const { checkSource, generateCpuModule, generateWebGpu, transpileCpuModule } = await load('packages/compiler/dist/index.js');
const { initWeights } = await load('packages/runtime/dist/index.js');
const cpu = await load('packages/runtime-cpu/dist/index.js');
const { WebGpuExecutor } = await load('packages/runtime-webgpu/dist/index.js');
const { sharedNodeWebGpu } = await load('packages/cli/dist/gpu.js');

/** The models timed by default: real widths, few layers, so SwiftShader finishes in minutes. */
const DEFAULT = [
  { file: 'models/gpt2.tdl', set: { layers: 2 } },
  { file: 'models/llama.tdl', set: { layers: 2, d: 1024, heads: 16, kv_heads: 4, d_ff: 2816, context: 512 } },
];
const PROMPT = 16;
const DECODE = 8;

function parseArgs(argv) {
  if (!argv.length) return DEFAULT;
  const [file, ...rest] = argv;
  const set = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] !== '--set' || !/^\w+=\d+(\.\d+)?$/.test(rest[i + 1] ?? '')) {
      console.error('usage: node bench/webgpu.mjs [MODEL.tdl [--set NAME=VALUE]…]');
      process.exit(1);
    }
    const [k, v] = rest[i + 1].split('=');
    set[k] = Number(v);
  }
  return [{ file, set }];
}

async function time(executor, prompt) {
  executor.reset();
  let t = performance.now();
  let logits = await executor.prefill(prompt);
  const prefill = performance.now() - t;
  const tokens = [];
  t = performance.now();
  for (let i = 0; i < DECODE; i++) {
    let best = 0;
    for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
    tokens.push(best);
    logits = await executor.decode(best);
  }
  const decode = performance.now() - t;
  return { prefill: (prompt.length * 1000) / prefill, decode: (DECODE * 1000) / decode, tokens };
}

/** Times each model on `device` and on the CPU; `out` receives the report (markdown). */
export async function measureWebGpu(device, models, out) {
  try {
    out(`adapter: ${device.description}\n`);
    out('| model | sizes | WebGPU start-up | WebGPU prefill | WebGPU decode | CPU prefill | CPU decode | same tokens |');
    out('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const { file, set } of models) {
      const result = checkSource({ name: file, text: readFileSync(join(root, file), 'utf8') }, { overrides: set });
      if (!result.ok) throw new Error(`${file} does not check`);
      const graph = result.graph;
      const weights = initWeights(graph.params, 0);
      const prompt = Int32Array.from({ length: PROMPT }, (_, i) => (i * 37 + 11) % 256);
      let t = performance.now();
      const gpu = await WebGpuExecutor.create(device, generateWebGpu(graph), weights);
      const startup = performance.now() - t;
      const onGpu = await time(gpu, prompt);
      gpu.dispose();
      const module = cpu.loadGeneratedModule(transpileCpuModule(generateCpuModule(graph).typescript), cpu);
      const onCpu = await time(new cpu.CpuExecutor(module, weights), prompt);
      const sizes = Object.entries(set).map(([k, v]) => `${k}=${v}`).join(' ') || 'as written';
      const rate = (x) => `${x.toFixed(1)} tokens/s`;
      out(
        `| ${graph.name} | ${sizes} | ${(startup / 1000).toFixed(1)} s | ${rate(onGpu.prefill)} | ${rate(onGpu.decode)} | ${rate(onCpu.prefill)} | ${rate(onCpu.decode)} | ${JSON.stringify(onGpu.tokens) === JSON.stringify(onCpu.tokens) ? 'yes' : 'NO'} |`,
      );
    }
  } finally {
    device.destroy();
  }
}

export async function bench(ctx) {
  let device;
  try {
    device = await sharedNodeWebGpu({ note: ctx.log });
  } catch (e) {
    // No adapter here (no GPU, no SwiftShader): the section says why instead of failing the run.
    return { markdown: `Skipped: no WebGPU adapter (${e.message})`, data: { skipped: String(e.message) } };
  }
  const lines = [];
  await measureWebGpu(device, DEFAULT, (l) => lines.push(l));
  return { markdown: lines.join('\n'), data: {} };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const device = await sharedNodeWebGpu({ note: (text) => process.stderr.write(text) });
  await measureWebGpu(device, parseArgs(process.argv.slice(2)), (l) => console.log(l));
}
