// The matrix–vector products of a decode step over quantized weights: the linear_q kernel on Q8_0 and
// Q4_0 blocks against the f32 linear kernel, in the same run, on stories110M's matrices (per layer wq,
// wk, wv, wo [768, 768], w1 and w3 [2048, 768], w2 [768, 2048]; then the classifier [32000, 768]).
// A "token" is every matrix of the model once against one row of x (decode) or 16 rows (prefill): the
// weight-reading part of a step, without attention, norms or sampling. Layers after the first reuse its
// weight values in fresh copies, so every matrix is read from memory, not from a cache.
import { cpu, CORES, nodeThreads, runtime } from './lib/packages.mjs';
import { fmt, load, median, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'Quantized matrix products (stories110M shapes)';

const D = 768;
const FF = 2048;
const VOCAB = 32000;
const PREFILL = 16;
const LAYER = [[D, D], [D, D], [D, D], [D, D], [FF, D], [FF, D], [D, FF]];

/** Seeded values in [-1, 1). */
function rand(n, seed) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The model's matrices in `format` in one arena: [rows, cols, matrix] in the order a step uses them. */
function place(arena, format, layers, source) {
  const out = [];
  for (let l = 0; l < layers; l++) {
    for (const [i, [m, n]] of LAYER.entries()) out.push([m, n, pack(arena, format, source.layer[i], m, n)]);
  }
  out.push([VOCAB, D, pack(arena, format, source.head, VOCAB, D)]);
  return out;
}

function pack(arena, format, values, m, n) {
  if (format === 'f32') return arena.pack(values.f32, m, n);
  return arena.packQuant(values[format], m, n, format);
}

/** Seconds for one pass over every matrix with `rows` rows of x. */
function step(arena, format, matrices, x, out, rows) {
  const t0 = performance.now();
  for (const [m, n, w] of matrices) {
    if (format === 'f32') cpu.linear(out, x, rows, n, m, w);
    else arena.linearQuant(out.subarray(0, rows * m), x.subarray(0, rows * n), rows, w);
  }
  return (performance.now() - t0) / 1000;
}

export async function bench(ctx) {
  const layers = ctx.quick ? 2 : 12;
  const runs = ctx.quick ? 2 : Math.max(3, ctx.runs);
  const values = (m, n, seed) => {
    const f32 = rand(m * n, seed);
    return { f32, q8_0: runtime.quantizeQ8_0(f32), q4_0: runtime.quantizeQ4_0(f32) };
  };
  ctx.log('quantize: making one layer and the classifier');
  const source = { layer: LAYER.map(([m, n], i) => values(m, n, i + 1)), head: values(VOCAB, D, 99) };
  const weights = layers * LAYER.reduce((a, [m, n]) => a + m * n, 0) + VOCAB * D;
  const threadCounts = [...new Set([1, Math.min(2, CORES)])];
  const x = rand(PREFILL * FF, 7);
  const out = new Float32Array(PREFILL * VOCAB);
  const rows = [];
  const data = { layers, weights, load: 0, results: [] };
  for (const threads of threadCounts) {
    const base = {};
    for (const format of ['f32', 'q8_0', 'q4_0']) {
      const arena = new cpu.Arena({ threads: nodeThreads(threads) });
      const matrices = place(arena, format, layers, source);
      const bytes = matrices.reduce((a, [m, n, w]) => a + (format === 'f32' ? m * n * 4 : w.data.byteLength), 0);
      const xs = arena.copyIn(x);
      const os = arena.allocF32(out.length);
      // warm-up of both paths: the engine's optimizing compiler, pages faulted in
      step(arena, format, matrices, xs, os, 1);
      step(arena, format, matrices, xs, os, PREFILL);
      const decode = median(Array.from({ length: runs }, () => step(arena, format, matrices, xs, os, 1)));
      const prefill = median(Array.from({ length: Math.max(1, runs >> 1) }, () => step(arena, format, matrices, xs, os, PREFILL)));
      arena.dispose();
      if (format === 'f32') Object.assign(base, { decode, prefill });
      const r = { threads, format, bytes, decodeS: decode, prefillS: prefill, gbs: bytes / decode / 1e9 };
      data.results.push(r);
      ctx.log(`quant: ${format} on ${threads} thread(s): ${fmt(1 / decode, 1)} tokens/s`);
      rows.push([
        String(threads),
        format,
        fmt(bytes / 2 ** 20, 0),
        fmt(r.gbs, 1),
        fmt(1 / decode, 1),
        fmt(base.decode / decode, 2),
        fmt(PREFILL / prefill, 1),
        fmt(base.prefill / prefill, 2),
      ]);
    }
  }
  data.load = load();
  const markdown = [
    `${layers} layers + classifier: ${fmt(weights / 1e6, 1)}M weights a token. Load average while measuring: ${fmt(data.load, 2)} (on ${CORES} cores).`,
    '',
    table(['threads', 'format', 'MiB read a token', 'GB/s (decode)', 'decode tokens/s', '× f32', `prefill tokens/s (${PREFILL} rows)`, '× f32'], rows),
    '',
    'Matrix products only (no attention, norms or sampling): an upper bound on what a decode step gains.',
  ].join('\n');
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
