// Parse benchmark: builds a 5,000-line model file (every construct, comments included) and reports the
// median time of several parses. A suite of `pnpm bench`; alone, after `npx -y pnpm@12.4.2 build`:
// node bench/parse.mjs [RUNS]
import { pathToFileURL } from 'node:url';
import { format, parse } from '../packages/dsl/dist/index.js';

export const title = 'Parse speed';

const LINES = 5000;

/** A long model: sizes, a block, then layers written out one by one, and a checkpoint section. */
function bigModel(lines) {
  const out = [
    '## A deep decoder written out layer by layer, for timing the parser.',
    'block swiglu(x, hidden, bias = false) {',
    '  h = activation(gate: linear(x, hidden, bias = bias), silu) * up: linear(x, hidden, bias = bias)',
    '  return down: linear(h, width(x), bias = bias)',
    '}',
    '',
    'model deep {',
    '  const vocab = 32000, context = 4096, d = 4096, heads = 32, kv_heads = 8, d_ff = 11008',
    '  const theta = 10000, eps = 1e-5, window = 4096',
    '',
    '  input tokens: i32[T <= context]',
    '',
    '  x = embed: embedding(tokens, vocab, d)',
  ];
  const tail = ['  output logits = head: linear(norm: rms_norm(x, eps = eps), vocab, bias = false)', '}'];
  const rules = [];
  for (let i = 0; out.length + rules.length + tail.length + 14 < lines; i++) {
    out.push(
      '',
      `  ## Layer ${i}: attention (a sliding window on odd layers) and a gated feed-forward network.`,
      `  h${i} = n${i}: rms_norm(x, eps = eps)  # pre-norm`,
      `  m${i} = if ${i} % 2 == 0 then causal else sliding(window)`,
      `  x = x + a${i}: attention(h${i}, heads, kv_heads = kv_heads, mask = m${i}, pos = rope(theta = theta), bias = false)`,
      `  x = x + f${i}: swiglu(p${i}: rms_norm(x, eps = eps), d_ff)`,
      `  if ${i} > 2 && ${i} % 4 == 3 {`,
      `    x = x * (1.0 - 0.5 / sqrt(${i + 1}))`,
      '  }',
    );
    rules.push(`    a${i}.(q, k, v).weight <- "model.layers.${i}.self_attn.qkv.weight" | split(0)`);
  }
  const body = [...out, '', '  checkpoint hf {', ...rules, '  }', ...tail];
  while (body.length < lines) body.splice(body.length - 2, 0, '  # padding');
  return body.join('\n') + '\n';
}

/** Parses the big model `runs` times; `out` receives the report's lines. */
export async function measureParse(runs, out) {
  const text = bigModel(LINES);
  const source = { name: 'deep.tdl', text };
  const first = parse(source);
  if (first.diagnostics.length) {
    console.error(first.diagnostics.slice(0, 3).map((d) => `${d.span.line}:${d.span.column} ${d.message}`).join('\n'));
    throw new Error('the benchmark model does not parse');
  }

  // Wall time, and CPU time (which a busy machine does not inflate by making the process wait its turn).
  const times = [];
  const cpuTimes = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    parse(source);
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  const formatStart = performance.now();
  format(first.ast, text);
  const formatMs = performance.now() - formatStart;

  const lineCount = text.split('\n').length - 1;
  out(`parse: ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KiB, ${runs} runs`);
  const wall = median(times);
  out(`  median ${wall.toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}), ${Math.round(lineCount / (wall / 1000)).toLocaleString('en')} lines/s`);
  out(`  median CPU time ${median(cpuTimes).toFixed(1)} ms`);
  out(`format: ${formatMs.toFixed(1)} ms`);
  return { lines: lineCount, medianMs: wall, medianCpuMs: median(cpuTimes), formatMs };
}

export async function bench(ctx) {
  const lines = [];
  const data = await measureParse(ctx.quick ? 3 : Math.max(15, ctx.runs * 3), (l) => lines.push(l));
  return { markdown: ['```text', ...lines, '```'].join('\n'), data };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await measureParse(Number(process.argv[2] ?? 15), (l) => console.log(l));
}
