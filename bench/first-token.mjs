// Time to the first token with seeded random weights, as `tdl run FILE` (no --weights) spends it: the
// weights drawn (a ziggurat over xoshiro128**, packages/runtime/src/init/normal.ts) and each matrix packed
// into the arena as it is drawn (CpuExecutor.stage), then a one-token prefill. Compiling is measured
// apart (bench/compile.mjs covers it); the module is compiled once before the runs.
import { compiler, cpu, CORES, nodeThreads, runtime } from './lib/packages.mjs';
import { checkedShape } from './lib/shapes.mjs';
import { fmt, load, median, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'First token with seeded random weights';

async function once(module, weightFormat, threads) {
  const t0 = performance.now();
  const options = { threads: nodeThreads(threads), weightFormat };
  const staged = cpu.CpuExecutor.stage(module, options);
  runtime.initWeights(module.MODEL.params, 0, (name, data) => staged.put(name, data));
  const t1 = performance.now();
  const executor = new cpu.CpuExecutor(module, staged, options);
  await executor.prefill(Int32Array.of(1));
  const t2 = performance.now();
  executor.dispose();
  return { draw: (t1 - t0) / 1000, first: (t2 - t1) / 1000, total: (t2 - t0) / 1000 };
}

/** Seconds to draw n normal samples: Box–Muller on the sampler's Rng (how weights were drawn before) and the ziggurat. */
function draws(n) {
  const out = new Float32Array(n);
  const rng = new runtime.Rng(0);
  let t = performance.now();
  for (let i = 0; i < n; i++) out[i] = rng.normal() * 0.02;
  const boxMuller = (performance.now() - t) / 1000;
  t = performance.now();
  new runtime.NormalStream(0).fill(out, 0.02);
  return { boxMuller, ziggurat: (performance.now() - t) / 1000 };
}

export async function bench(ctx) {
  const n = ctx.quick ? 2_000_000 : 20_000_000;
  const samplers = [];
  for (let r = 0; r < (ctx.quick ? 1 : 3); r++) samplers.push(draws(n));
  const bm = median(samplers.map((s) => s.boxMuller));
  const zig = median(samplers.map((s) => s.ziggurat));
  const shapes = ctx.quick ? ['stories15M'] : ['stories15M', 'stories110M'];
  const runs = ctx.quick ? 1 : Math.max(3, ctx.runs);
  const rows = [];
  const data = { load: load(), rows: [] };
  for (const name of shapes) {
    const { graph } = checkedShape(name);
    const module = cpu.loadGeneratedModule(compiler.transpileCpuModule(compiler.generateCpuModule(graph).typescript), cpu);
    for (const weightFormat of ['f32', 'q8_0']) {
      const times = [];
      for (let r = 0; r < runs; r++) times.push(await once(module, weightFormat, CORES));
      const m = (k) => median(times.map((t) => t[k]));
      ctx.log(`${name} ${weightFormat}: ${fmt(m('total'), 2)} s`);
      rows.push([name, weightFormat, fmt(m('draw'), 2), fmt(m('first'), 3), fmt(m('total'), 2)]);
      data.rows.push({ shape: name, weightFormat, draw_s: m('draw'), first_s: m('first'), total_s: m('total') });
    }
  }
  data.samplers = { n, boxMuller_s: bm, ziggurat_s: zig };
  const markdown =
    `${n.toLocaleString('en')} normal samples, one thread: Box–Muller ${fmt(bm, 2)} s, ziggurat ${fmt(zig, 2)} s (${fmt(bm / zig, 1)}× faster).\n\n` +
    table(['shape', 'weights', 'draw and pack (s)', 'first token (s)', 'total (s)'], rows) +
    `\n\nMedians of ${runs} runs on ${CORES} threads; 1-minute load average ${data.load.toFixed(1)}.\n`;
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
