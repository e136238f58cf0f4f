// Model speed: decode and prefill tokens/s, time to first token and peak memory for llama2.c-style
// shapes, each measured in fresh processes (medians), beside the bandwidth roofline.
import { execFileSync } from 'node:child_process';
import { CORES } from './lib/packages.mjs';
import { SHAPES, setFlags, LLAMA } from './lib/shapes.mjs';
import { fmt, median, mib, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'Model speed';

/** What the issue asks of each shape on a 2-core machine: decode tokens/s. */
const TARGETS = { stories15M: 250, stories110M: 35, 'gqa-42M': 100 };

function measure(ctx, shape, kernels, threads, runs, weights) {
  const results = [];
  for (let r = 0; r < runs; r++) {
    const args = [new URL('./lib/measure.mjs', import.meta.url).pathname, shape.name, '--kernels', kernels, '--threads', String(threads), '--weight-dtype', weights];
    const out = execFileSync(process.execPath, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const m = JSON.parse(out);
    ctx.log(`${shape.name} ${kernels} × ${threads} ${weights}: prefill ${fmt(m.prefillTokensPerSecond)} tok/s, decode ${fmt(m.decodeTokensPerSecond)} tok/s (load ${fmt(m.load, 2)})`);
    results.push(m);
  }
  const pick = (k) => median(results.map((m) => m[k]));
  return {
    shape: shape.name,
    kernels,
    weights,
    threads: results[0].threads,
    runs,
    params: results[0].params,
    weightBytesPerToken: results[0].weightBytesPerToken,
    ...Object.fromEntries(
      ['prefillTokensPerSecond', 'coldPrefillTokensPerSecond', 'timeToFirstTokenMs', 'coldTimeToFirstTokenMs', 'decodeTokensPerSecond', 'peakRssBytes', 'compileMs', 'initMs', 'loadMs', 'load'].map((k) => [k, pick(k)]),
    ),
  };
}

export async function bench(ctx) {
  const roofline = ctx.results.get('bandwidth')?.roofline;
  const configs = [
    { kernels: 'wasm', threads: CORES, runs: ctx.runs, weights: 'f32' },
    { kernels: 'wasm', threads: CORES, runs: ctx.quick ? 1 : 3, weights: 'bf16' },
    { kernels: 'wasm', threads: CORES, runs: ctx.quick ? 1 : 3, weights: 'f16' },
    ...(CORES > 1 ? [{ kernels: 'wasm', threads: 1, runs: ctx.quick ? 1 : 3, weights: 'f32' }] : []),
    { kernels: 'js', threads: 1, runs: 1, weights: 'f32' },
  ];
  const rows = [];
  const data = [];
  for (const shape of SHAPES) {
    for (const c of configs) {
      const m = measure(ctx, shape, c.kernels, c.threads, c.runs, c.weights);
      data.push(m);
      const gbs = (m.weightBytesPerToken * m.decodeTokensPerSecond) / 1e9;
      rows.push([
        shape.name,
        `${c.kernels} × ${m.threads}`,
        c.weights,
        String(m.runs),
        fmt(m.decodeTokensPerSecond),
        fmt(m.prefillTokensPerSecond),
        fmt(m.prefillTokensPerSecond / m.decodeTokensPerSecond, 1) + '×',
        fmt(m.timeToFirstTokenMs, 0),
        fmt(m.coldTimeToFirstTokenMs, 0),
        fmt(m.weightBytesPerToken / 1e6, 0),
        fmt(gbs),
        roofline ? fmt((100 * gbs) / roofline, 0) + '%' : '—',
        mib(m.peakRssBytes),
        fmt(m.load, 2),
      ]);
    }
  }
  const main = (name) => data.find((m) => m.shape === name && m.kernels === 'wasm' && m.threads === CORES && m.weights === 'f32');
  const checks = SHAPES.map((s) => {
    const m = main(s.name);
    const ok = m.decodeTokensPerSecond >= TARGETS[s.name];
    return `- ${s.name}: decode ${fmt(m.decodeTokensPerSecond)} tokens/s, target ≥ ${TARGETS[s.name]}: ${ok ? 'met' : 'not met'}`;
  });
  const big = main('stories110M');
  const ratio = big.prefillTokensPerSecond / big.decodeTokensPerSecond;
  checks.push(`- stories110M: prefill ${fmt(ratio)}× the decode rate, target ≥ 4×: ${ratio >= 4 ? 'met' : 'not met'}`);
  const markdown = [
    `${LLAMA} with these constants (\`tdl run ${LLAMA} --set …\`):`,
    '',
    ...SHAPES.map((s) => `- ${s.name}: \`${setFlags(s)}\``),
    '',
    'Each run is a fresh process: compile, seeded random weights, then a 128-token prompt prefilled (cold, then warm) and',
    '256 greedy tokens decoded from a 1-token prompt (positions 0 … 255, as llama2.c counts). Figures are medians over',
    'the runs; prefill and decode are the warm runs; TTFT is prefill plus the first sample. Bytes/token are the weights',
    'one decode step reads (every parameter but the embedding table); GB/s = bytes/token × decode tokens/s; % roofline',
    'divides that by the measured bandwidth above. Peak RSS is the whole process (seeded weights in JavaScript plus',
    "the arena's packed copy). Load is the 1-minute load average during the runs. Weights: how the matrices are kept",
    '(`--weight-dtype`); bf16 and f16 halve the bytes read per token, arithmetic is f32 in every case.',
    '',
    table(['shape', 'kernels × threads', 'weights', 'runs', 'decode tok/s', 'prefill tok/s', 'prefill/decode', 'TTFT ms', 'cold TTFT ms', 'MB/token', 'GB/s', '% roofline', 'peak RSS MiB', 'load'], rows),
    '',
    'Against the targets (WebAssembly kernels on every core, f32 weights):',
    '',
    ...checks,
  ].join('\n');
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
