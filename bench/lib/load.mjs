// A load generator for `tdl serve`: C concurrent clients, each streaming R completions one after
// another; reports tokens/s over all streams and latency percentiles. Runs by hand against any server:
//   node bench/lib/load.mjs --url http://127.0.0.1:8080 --model llama --streams 8 --tokens 32
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** The p-th percentile (0 … 100) of `values`, nearest rank. */
export function percentile(values, p) {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

/** One streamed completion: its token count (from usage), time to first token and gaps between chunks (ms). */
async function streamOne(url, body) {
  const start = performance.now();
  const res = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`the server answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let first;
  let last = start;
  const gaps = [];
  let tokens = 0;
  for await (const part of res.body) {
    buffered += decoder.decode(part, { stream: true });
    let cut;
    while ((cut = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      if (!block.startsWith('data: ') || block === 'data: [DONE]') continue;
      const event = JSON.parse(block.slice(6));
      if (event.error) throw new Error(`the stream failed: ${event.error.message}`);
      if (event.usage) tokens = event.usage.completion_tokens;
      if (!event.choices?.[0]?.text) continue;
      const now = performance.now();
      if (first === undefined) first = now - start;
      else gaps.push(now - last);
      last = now;
    }
  }
  return { tokens, ttft: first ?? NaN, total: performance.now() - start, gaps };
}

/**
 * `streams` clients at once, each sending `requests` completions of `tokens` greedy tokens from its own
 * `promptLength`-token prompt. Tokens/s is every generated token over the wall time of the whole load.
 */
export async function load(url, { model, streams, requests = 1, tokens = 32, promptLength = 8, vocab = 256 }) {
  const ttfts = [];
  const gaps = [];
  const totals = [];
  let generated = 0;
  const client = async (c) => {
    for (let r = 0; r < requests; r++) {
      const prompt = Array.from({ length: promptLength }, (_, i) => (c * 31 + r * 7 + i * 3 + 1) % vocab);
      const m = await streamOne(url, { model, prompt, max_tokens: tokens, temperature: 0, stream: true, stream_options: { include_usage: true } });
      generated += m.tokens;
      ttfts.push(m.ttft);
      totals.push(m.total);
      gaps.push(...m.gaps);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: streams }, (_, c) => client(c)));
  const seconds = (performance.now() - start) / 1000;
  const pct = (v) => ({ p50: percentile(v, 50), p90: percentile(v, 90), p99: percentile(v, 99) });
  return { streams, requests: streams * requests, tokens: generated, seconds, tokensPerSecond: generated / seconds, ttftMs: pct(ttfts), interTokenMs: pct(gaps), requestMs: pct(totals) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      model: { type: 'string', default: 'llama' },
      streams: { type: 'string', default: '8' },
      requests: { type: 'string', default: '1' },
      tokens: { type: 'string', default: '32' },
      'prompt-length': { type: 'string', default: '8' },
    },
  });
  const numbers = Object.fromEntries(['streams', 'requests', 'tokens', 'prompt-length'].map((k) => [k, Number(values[k])]));
  for (const [k, v] of Object.entries(numbers)) {
    if (!Number.isInteger(v) || v < 1) {
      console.error(`load: --${k} must be a whole number ≥ 1, got '${values[k]}'`);
      process.exit(1);
    }
  }
  const result = await load(values.url, { model: values.model, streams: numbers.streams, requests: numbers.requests, tokens: numbers.tokens, promptLength: numbers['prompt-length'] });
  console.log(JSON.stringify(result, null, 2));
}
