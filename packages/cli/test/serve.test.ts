// tdl serve under load, faults and bad input, in one run: concurrent streams equal their sequential
// `tdl run`, disconnecting clients free their slots, fuzzed bodies all get 4xx JSON, memory returns to idle.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionBody, disconnectAfterFirstChunk, runText, serveTiny, stream, type Sampled } from './support/serve.js';

type Server = Awaited<ReturnType<typeof serveTiny>>;
let server: Server;

beforeAll(async () => {
  server = await serveTiny('--threads', '2', '--max-batch', '16', '--max-queue', '128', '--max-body', '4096');
});
afterAll(async () => server?.close(0));

/** 16 requests: prompts of different lengths, greedy and sampled, different lengths to generate. */
const REQUESTS: Sampled[] = Array.from({ length: 16 }, (_, i) => ({
  ids: Array.from({ length: 1 + (i % 5) * 3 }, (_, j) => (i * 17 + j * 5 + 32) % 128),
  maxTokens: 6 + (i % 4) * 5,
  temperature: i % 3 === 0 ? 0 : 0.8,
  topK: i % 2 ? 40 : 0,
  seed: i,
}));

async function post(path: string, body: string): Promise<{ status: number; json: unknown; type: string | null }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, type: res.headers.get('content-type') };
}

/** Bodies that are wrong in one way each: not JSON, not an object, a field of the wrong type or range, an unknown field or model. */
const badBody = fc.oneof(
  fc.string().filter((s) => !isJson(s)),
  fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer()), fc.constant(null)).map((v) => JSON.stringify(v)),
  fc
    .record({
      field: fc.constantFrom('max_tokens', 'temperature', 'top_p', 'top_k', 'min_p', 'seed', 'n', 'stop', 'prompt', 'stream', 'model'),
      value: fc.oneof(fc.string(), fc.double(), fc.integer({ min: -1000, max: -1 }), fc.constant(null), fc.array(fc.string()), fc.object()),
    })
    .filter(({ field, value }) => !acceptable(field, value))
    .map(({ field, value }) => JSON.stringify({ model: 'llama', prompt: 'hi', [field]: value })),
  fc.string({ minLength: 1 }).filter((k) => !KNOWN.has(k)).map((k) => JSON.stringify({ model: 'llama', prompt: 'hi', [k]: 1 })),
  fc.string().filter((m) => m !== 'llama').map((m) => JSON.stringify({ model: m, prompt: 'hi' })),
  fc.integer({ min: 65, max: 200 }).map((n) => JSON.stringify({ model: 'llama', prompt: Array(n).fill(1) })),
  fc.integer({ min: 65, max: 1e6 }).map((n) => JSON.stringify({ model: 'llama', prompt: 'hi', max_tokens: n })),
);

const KNOWN = new Set(['model', 'prompt', 'max_tokens', 'temperature', 'top_p', 'top_k', 'min_p', 'seed', 'stop', 'n', 'stream', 'user', 'frequency_penalty', 'presence_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'echo', 'best_of', 'suffix', 'response_format', 'tools', 'tool_choice', 'parallel_tool_calls', 'store', 'metadata', 'service_tier', 'stream_options', 'max_completion_tokens', '__proto__']);

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Whether a value would be a valid setting of the field (such a body is not bad input). */
function acceptable(field: string, v: unknown): boolean {
  if (v === null && field !== 'model' && field !== 'prompt') return true;
  const num = typeof v === 'number' && Number.isFinite(v);
  const int = num && Number.isSafeInteger(v);
  switch (field) {
    case 'max_tokens':
      return int && (v as number) >= 1 && (v as number) <= 64;
    case 'temperature':
      return num && (v as number) >= 0 && (v as number) <= 2;
    case 'top_p':
      return num && (v as number) > 0 && (v as number) <= 1;
    case 'min_p':
      return num && (v as number) >= 0 && (v as number) <= 1;
    case 'top_k':
    case 'seed':
      return int && (v as number) >= 0;
    case 'n':
      return int && (v as number) >= 1 && (v as number) <= 16;
    case 'stop':
      return (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length <= 4 && v.every((s) => typeof s === 'string' && s !== ''));
    case 'prompt':
      return (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' && v[0] !== '');
    case 'stream':
      return typeof v === 'boolean';
    case 'model':
      return v === 'llama';
  }
  return false;
}

describe('tdl serve under load', () => {
  it('16 streams, 32 disconnecting clients and 500 fuzzed bodies at once: streams equal tdl run, bad bodies get 4xx JSON, memory returns to idle', async () => {
    // The sequential references, and a warm-up round so the workspace has grown to a full batch.
    const expected = [];
    for (const r of REQUESTS) expected.push(await runText(r, '--threads', '1'));
    await Promise.all(REQUESTS.map((r) => stream(server.url, '/v1/completions', completionBody(r))));
    await server.batcher.idle();
    const idleBytes = server.cpu!.arenaBytes;
    const before = server.batcher.stats;

    const bodies = fc.sample(badBody, { numRuns: 500, seed: 19 });
    const fuzz = async () => {
      const answers = [];
      for (let i = 0; i < bodies.length; i += 25) answers.push(...(await Promise.all(bodies.slice(i, i + 25).map((b) => post('/v1/completions', b)))));
      return answers;
    };
    const long = { ids: [65, 66, 67], maxTokens: 60, temperature: 0.7, topK: 0, seed: 3 };
    const [streams, , answers] = await Promise.all([
      Promise.all(REQUESTS.map((r) => stream(server.url, '/v1/completions', completionBody(r)))),
      Promise.all(Array.from({ length: 32 }, () => disconnectAfterFirstChunk(server.url, completionBody(long)))),
      fuzz(),
    ]);

    expect(streams.map((s) => s.text)).toEqual(expected);
    for (const s of streams) expect(s).toMatchObject({ status: 200, done: true, finish: 'length' });
    const wrong = answers.map((a, i) => ({ ...a, body: bodies[i] })).filter((a) => a.status < 400 || a.status >= 500 || !a.type?.startsWith('application/json') || typeof (a.json as { error?: { message?: unknown } }).error?.message !== 'string');
    expect(wrong).toEqual([]);
    // Disconnected clients leave at the next step; then nothing runs and the caches are freed.
    await server.batcher.idle();
    expect(server.batcher.stats).toMatchObject({ active: 0, waiting: 0 });
    // Each gone client was cancelled, not decoded to its 60 tokens.
    expect(server.batcher.stats.cancelled - before.cancelled).toBe(32);
    expect(server.cpu!.arenaBytes).toBe(idleBytes);
    const health = await fetch(server.url + '/health');
    expect(await health.json()).toEqual({ status: 'ok', active: 0, waiting: 0 });
  }, 60_000);

  it('n choices sample with seeds seed, seed + 1 …, each equal to its own tdl run', async () => {
    const base = { ids: [72, 105], maxTokens: 8, temperature: 1, topK: 0, seed: 7 };
    const res = await post('/v1/completions', JSON.stringify({ ...completionBody(base, false), n: 3 }));
    expect(res.status).toBe(200);
    const body = res.json as { choices: { index: number; text: string; finish_reason: string }[]; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
    const expected = await Promise.all([0, 1, 2].map((i) => runText({ ...base, seed: 7 + i }, '--threads', '1')));
    expect(body.choices.map((c) => c.text)).toEqual(expected);
    expect(body.usage).toEqual({ prompt_tokens: 2, completion_tokens: 24, total_tokens: 26 });
  });

  it('stop strings end a choice before the stop text, with finish_reason stop', async () => {
    const base = { ids: [72, 105], maxTokens: 20, temperature: 0, topK: 0, seed: 0 };
    const full = await runText(base, '--threads', '1');
    const stop = full.slice(5, 7);
    const cut = full.indexOf(stop);
    const streamed = await stream(server.url, '/v1/completions', { ...completionBody(base), stop: [stop] });
    expect(streamed).toMatchObject({ status: 200, text: full.slice(0, cut), finish: 'stop', done: true });
    const whole = await post('/v1/completions', JSON.stringify({ ...completionBody(base, false), stop }));
    expect((whole.json as { choices: { text: string; finish_reason: string }[] }).choices[0]).toMatchObject({ text: full.slice(0, cut), finish_reason: 'stop' });
  });

  it('answers routes, methods and sizes with OpenAI-shaped errors', async () => {
    expect((await fetch(server.url + '/nowhere')).status).toBe(404);
    const wrongMethod = await fetch(server.url + '/v1/completions');
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const big = await post('/v1/completions', JSON.stringify({ model: 'llama', prompt: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
    const long = await post('/v1/completions', JSON.stringify({ model: 'llama', prompt: Array(65).fill(1) }));
    expect(long).toMatchObject({ status: 400, json: { error: { code: 'context_length_exceeded', param: 'prompt' } } });
    const models = await (await fetch(server.url + '/v1/models')).json();
    expect(models).toEqual({ object: 'list', data: [{ id: 'llama', object: 'model', created: 0, owned_by: 'tdl' }] });
  });
});

describe('tdl serve back-pressure', () => {
  it('a flood past the queue gets 429 with Retry-After; the others are served', async () => {
    const small = await serveTiny('--threads', '1', '--max-batch', '1', '--max-queue', '2');
    try {
      const body = JSON.stringify(completionBody({ ids: [65], maxTokens: 20, temperature: 0, topK: 0, seed: 0 }, false));
      const answers = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const res = await fetch(small.url + '/v1/completions', { method: 'POST', body });
          return { status: res.status, retry: res.headers.get('retry-after'), json: (await res.json()) as { error?: { type: string } } };
        }),
      );
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(3);
      expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
      for (const r of refused) expect(r).toMatchObject({ retry: '1', json: { error: { type: 'rate_limit_error' } } });
    } finally {
      await small.close(0);
    }
  });

  it('a request past its time limit ends with a timeout error, and its slot is freed', async () => {
    const slow = await serveTiny('--threads', '1', '--timeout', '0.001', '--token-limit', '64');
    try {
      const body = JSON.stringify(completionBody({ ids: [65], maxTokens: 63, temperature: 0, topK: 0, seed: 0 }, false));
      // 63 decode steps and their HTTP round trip take more than 1 ms even on a fast machine; a few tries
      // leave room for timers that fire late.
      let status = 200;
      for (let i = 0; i < 20 && status === 200; i++) status = (await fetch(slow.url + '/v1/completions', { method: 'POST', body })).status;
      expect(status).toBe(408);
      await slow.batcher.idle();
      expect(slow.batcher.stats).toMatchObject({ active: 0, waiting: 0 });
    } finally {
      await slow.close(0);
    }
  });
});

describe('tdl serve shutdown', () => {
  it('ends a stream still running when the grace time is over with an error event and [DONE]', async () => {
    const busy = await serveTiny('--threads', '1', '--max-batch', '1');
    const res = await fetch(busy.url + '/v1/completions', { method: 'POST', body: JSON.stringify({ ...completionBody({ ids: [65], maxTokens: 50, temperature: 0, topK: 0, seed: 0 }), n: 8 }) });
    const reader = res.body!.getReader();
    let raw = new TextDecoder().decode((await reader.read()).value);
    expect(raw).not.toContain('[DONE]');
    const closed = busy.close(0);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += new TextDecoder().decode(value);
    }
    await closed;
    const blocks = raw.trimEnd().split('\n\n');
    expect(blocks.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(blocks.at(-2)!.slice(6))).toMatchObject({ error: { type: 'server_error', message: 'the server shut down before the answer was complete' } });
    // Refused once stopping: the port no longer accepts.
    await expect(fetch(busy.url + '/health')).rejects.toThrow();
  });
});
