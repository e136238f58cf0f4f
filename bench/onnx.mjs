// tdl's CPU backend beside ONNX Runtime on the same model: each llama2.c-style shape exported with
// `tdl compile --target onnx`'s exporter (seeded weights, f32, standard ops) and run in
// onnxruntime-node's CPU provider, with the same threads, prompt and token counts as tdl's own run;
// each measurement a fresh process (medians). Ratios are tdl ÷ ONNX Runtime: above 1, tdl is faster.
import { execFileSync } from 'node:child_process';
import { CORES } from './lib/packages.mjs';
import { SHAPES } from './lib/shapes.mjs';
import { fmt, median, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'tdl against ONNX Runtime';

function measure(ctx, script, shape, threads, runs, extra = []) {
  const results = [];
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(process.execPath, [new URL(script, import.meta.url).pathname, shape.name, '--threads', String(threads), ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
    results.push(JSON.parse(out));
  }
  const pick = (k) => median(results.map((m) => m[k]));
  return { runs, threads, decode: pick('decodeTokensPerSecond'), prefill: pick('prefillTokensPerSecond'), load: pick('load'), engine: results[0].engine };
}

export async function bench(ctx) {
  const threadCounts = CORES > 1 ? [CORES, 1] : [1];
  const rows = [];
  const data = [];
  let engine = 'onnxruntime-node';
  for (const shape of SHAPES) {
    for (const threads of threadCounts) {
      const runs = threads === CORES ? ctx.runs : ctx.quick ? 1 : Math.min(3, ctx.runs);
      const tdl = measure(ctx, './lib/measure.mjs', shape, threads, runs, ['--kernels', 'wasm', '--weight-dtype', 'f32']);
      const ort = measure(ctx, './lib/measure-onnx.mjs', shape, threads, runs);
      engine = ort.engine;
      ctx.log(`${shape.name} × ${threads}: decode tdl ${fmt(tdl.decode)} / ORT ${fmt(ort.decode)} tok/s, prefill tdl ${fmt(tdl.prefill)} / ORT ${fmt(ort.prefill)} tok/s`);
      data.push({ shape: shape.name, threads, runs, tdl, ort, decodeRatio: tdl.decode / ort.decode, prefillRatio: tdl.prefill / ort.prefill });
      rows.push([
        shape.name,
        String(threads),
        String(runs),
        fmt(tdl.decode),
        fmt(ort.decode),
        fmt(tdl.decode / ort.decode, 2) + '×',
        fmt(tdl.prefill),
        fmt(ort.prefill),
        fmt(tdl.prefill / ort.prefill, 2) + '×',
        fmt((tdl.load + ort.load) / 2, 2),
      ]);
    }
  }
  const markdown = [
    `The shapes of the model speed table, exported to ONNX (opset 18, standard ops, f32 weights) and run in ${engine}`,
    '(CPU execution provider, intra-op threads = tdl\'s threads, graph optimisations on) beside tdl\'s CPU backend',
    '(WebAssembly kernels, f32). Both: seeded weights, a 128-token prompt prefilled, 256 greedy tokens decoded from a',
    '1-token prompt; warm runs, each measurement a fresh process, medians over the runs. ONNX Runtime decodes as',
    "optimum's loop does, every step feeding the present keys and values back as the past (copied through JavaScript).",
    'Ratios are tdl ÷ ONNX Runtime (above 1×: tdl is faster).',
    '',
    table(['shape', 'threads', 'runs', 'tdl decode tok/s', 'ORT decode tok/s', 'decode ratio', 'tdl prefill tok/s', 'ORT prefill tok/s', 'prefill ratio', 'load'], rows),
  ].join('\n');
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
