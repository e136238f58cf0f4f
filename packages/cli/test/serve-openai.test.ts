// The built `tdl serve` as a client sees it: the unmodified openai package streams chat completions
// from it, and SIGTERM lets a stream in flight finish before the process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runText, TINY } from './support/serve.js';
import { tdl } from './support/run-cli.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'packages/cli/dist/tdl.mjs');

let child: ChildProcess;
let url: string;
let stderr = '';

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx -y pnpm@12.4.2 build' before these tests`);
  child = spawn(process.execPath, [BUNDLE, 'serve', ...TINY, '--port', '0', '--threads', '1', '--max-batch', '1'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /on (http:\/\/\S+) /.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tdl serve exited with ${code}: ${stderr}`)));
  });
}, 30_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('tdl serve and the openai client', () => {
  it('streams a chat completion that equals tdl run on the chat template\'s text', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hi there' }];
    const stream = await client.chat.completions.create({ model: 'llama', messages, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
      usage = chunk.usage ?? usage;
    }
    // The plain default template: `role: content` lines, then `assistant:`.
    const prompt = 'system: Be brief.\nuser: Hi there\nassistant:';
    const run = await tdl('run', ...TINY, '--prompt', prompt, '--max-tokens', '12', '--json', '--threads', '1');
    expect(text).toBe((JSON.parse(run.stdout) as { text: string }).text);
    expect(finish).toBe('length');
    expect(usage).toEqual({ prompt_tokens: prompt.length, completion_tokens: 12, total_tokens: prompt.length + 12 });
    const whole = await client.chat.completions.create({ model: 'llama', messages, max_tokens: 12, temperature: 0 });
    expect(whole.choices[0]!.message.content).toBe(text);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['llama']);
  });

  it('reports a bad request through the client as an APIError with status 400', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    await expect(client.completions.create({ model: 'llama', prompt: 'x', temperature: 5 })).rejects.toMatchObject({ status: 400 });
  });

  it('on SIGTERM finishes the stream in flight, then exits 0', async () => {
    const s = { ids: [65, 66], maxTokens: 50, temperature: 0, topK: 0, seed: 0 };
    const expected = await runText(s, '--threads', '1');
    // Four choices one after another (--max-batch 1): the stream is still running when the signal comes.
    const res = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'llama', prompt: s.ids, max_tokens: 50, temperature: 0, stream: true, n: 4 }) });
    const reader = res.body!.getReader();
    let raw = new TextDecoder().decode((await reader.read()).value);
    expect(raw).not.toContain('[DONE]');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += new TextDecoder().decode(value);
    }
    const events = raw.split('\n\n').filter((b) => b.startsWith('data: ') && b !== 'data: [DONE]').map((b) => JSON.parse(b.slice(6)) as { choices: { index: number; text: string }[] });
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const texts = ['', '', '', ''];
    for (const e of events) for (const c of e.choices) texts[c.index] += c.text;
    expect(texts).toEqual([expected, expected, expected, expected]);
    expect(await exited).toBe(0);
    expect(stderr).toContain('tdl serve: SIGTERM: finishing the requests in flight');
  });
});
