// Serving speed: `tdl serve` on stories110M's shape (seeded random weights) under 1, 4, 8 and 16
// concurrent streaming clients: tokens/s over all streams, latency percentiles, and batched decoding
// against the same server decoding one sequence at a time (--max-batch 1).
import { spawn } from 'node:child_process';
import { CORES } from './lib/packages.mjs';
import { load } from './lib/load.mjs';
import { LLAMA, SHAPES } from './lib/shapes.mjs';
import { fmt, load as loadAverage, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'Serving';

const SHAPE = SHAPES.find((s) => s.name === 'stories110M');
const STREAMS = [1, 4, 8, 16];

/** Starts `tdl serve` (the built bundle) with `flags`; resolves with its URL and a stop function. */
function startServer(ctx, flags) {
  const set = Object.entries(SHAPE.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const args = [`${ctx.root}packages/cli/dist/tdl.mjs`, 'serve', LLAMA, ...set, '--tokenizer', 'bytes', '--port', '0', '--threads', String(CORES), ...flags];
  const child = spawn(process.execPath, args, { cwd: ctx.root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /on (http:\/\/\S+) /.exec(stderr);
      if (m) resolve({ url: m[1], stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`tdl serve exited with ${code}: ${stderr}`)));
  });
}

export async function bench(ctx) {
  const tokens = ctx.quick ? 16 : 64;
  const requests = ctx.quick ? 1 : 2;
  const options = { model: 'llama', tokens, requests, vocab: SHAPE.set.vocab };
  const rows = [];
  const data = { shape: SHAPE.name, tokens, requests, threads: CORES, batched: [], sequential: undefined };
  const row = (mode, m, l) => [mode, String(m.streams), String(m.requests), fmt(m.tokensPerSecond), fmt(m.ttftMs.p50, 0), fmt(m.ttftMs.p90, 0), fmt(m.ttftMs.p99, 0), fmt(m.interTokenMs.p50, 0), fmt(m.interTokenMs.p99, 0), fmt(m.requestMs.p50, 0), fmt(l, 2)];

  ctx.log(`serve: starting ${SHAPE.name} (batched, up to 16 sequences)`);
  const batched = await startServer(ctx, ['--max-batch', '16']);
  try {
    await load(batched.url, { ...options, streams: 1, requests: 1, tokens: 4 }); // warm-up: first-use allocations
    for (const streams of STREAMS) {
      const m = await load(batched.url, { ...options, streams });
      ctx.log(`serve: ${streams} streams: ${fmt(m.tokensPerSecond)} tokens/s`);
      data.batched.push(m);
      rows.push(row('batched', m, loadAverage()));
    }
  } finally {
    await batched.stop();
  }
  ctx.log('serve: starting the one-at-a-time server (--max-batch 1)');
  const sequential = await startServer(ctx, ['--max-batch', '1']);
  try {
    await load(sequential.url, { ...options, streams: 1, requests: 1, tokens: 4 });
    const m = await load(sequential.url, { ...options, streams: 8 });
    ctx.log(`serve: 8 streams one at a time: ${fmt(m.tokensPerSecond)} tokens/s`);
    data.sequential = m;
    rows.push(row('one at a time', m, loadAverage()));
  } finally {
    await sequential.stop();
  }
  const at = (n) => data.batched.find((m) => m.streams === n);
  const ratio8 = at(8).tokensPerSecond / at(1).tokensPerSecond;
  const ratioSeq = at(8).tokensPerSecond / data.sequential.tokensPerSecond;
  data.ratio8 = ratio8;
  data.ratioSequential = ratioSeq;
  const markdown = [
    `\`tdl serve ${LLAMA}\` at ${SHAPE.name}'s shape (seeded random weights, f32, WebAssembly kernels on ${CORES} threads), driven over`,
    `loopback by \`bench/lib/load.mjs\`: each of N clients streams ${requests} completion${requests > 1 ? 's' : ''} of ${tokens} greedy tokens from an 8-token`,
    'prompt, one after another. Tokens/s counts every generated token over the wall time of the whole load; TTFT is',
    'from sending the request to its first token; inter-token is the gap between chunks of one stream; load is the',
    '1-minute load average. "one at a time" is the same server with `--max-batch 1`: requests wait their turn.',
    '',
    table(['mode', 'streams', 'requests', 'tokens/s (all streams)', 'TTFT p50 ms', 'TTFT p90 ms', 'TTFT p99 ms', 'inter-token p50 ms', 'inter-token p99 ms', 'request p50 ms', 'load'], rows),
    '',
    `- batched at 8 streams: ${fmt(ratio8)}× the tokens/s of 1 stream (target ≥ 4×: ${ratio8 >= 4 ? 'met' : 'not met'})`,
    `- batched at 8 streams: ${fmt(ratioSeq)}× the tokens/s of the one-at-a-time server at 8 streams`,
  ].join('\n');
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
