// A tiny model served in-process for the server tests, and a client that reads server-sent events.
import { request } from 'node:http';
import { parseCommandArgs } from '../../src/flags.js';
import { openServe, serveSpec, type RunningServer } from '../../src/commands/serve.js';
import { tdl } from './run-cli.js';

/** A small LLaMA whose 128-token vocabulary is ASCII under the byte tokenizer, so text maps back to ids exactly. */
export const TINY = ['models/llama.tdl', '--set', 'vocab=128', '--set', 'd=64', '--set', 'layers=2', '--set', 'heads=4', '--set', 'kv_heads=2', '--set', 'd_ff=128', '--set', 'context=64'];

export async function serveTiny(...flags: string[]): Promise<RunningServer & { log: string[] }> {
  const log: string[] = [];
  const io = { stdout: { write: (s: string) => void log.push(s) }, stderr: { write: (s: string) => void log.push(s) } };
  const running = await openServe(parseCommandArgs(serveSpec, [...TINY, '--port', '0', ...flags]), io);
  return Object.assign(running, { log });
}

export interface Sampled {
  readonly ids: readonly number[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topK: number;
  readonly seed: number;
}

/** The text `tdl run --json` generates for the same prompt and sampling (its sequential reference). */
export async function runText(s: Sampled, ...flags: string[]): Promise<string> {
  const r = await tdl('run', ...TINY, '--ids', s.ids.join(','), '--max-tokens', String(s.maxTokens), '--temperature', String(s.temperature), '--top-k', String(s.topK), '--seed', String(s.seed), '--json', ...flags);
  if (r.code !== 0) throw new Error(`tdl run failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { text: string }).text;
}

/** The body of a streamed completion for `s`. */
export function completionBody(s: Sampled, stream = true): object {
  return { model: 'llama', prompt: s.ids, max_tokens: s.maxTokens, temperature: s.temperature, top_k: s.topK, seed: s.seed, stream };
}

export interface Streamed {
  readonly status: number;
  readonly text: string;
  readonly finish: string | null;
  readonly done: boolean;
  readonly events: unknown[];
}

/** POSTs a streaming request and joins the text of choice 0 from its events. */
export async function stream(url: string, path: string, body: object): Promise<Streamed> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const raw = await res.text();
  const events: unknown[] = [];
  let text = '';
  let finish: string | null = null;
  let done = false;
  for (const block of raw.split('\n\n')) {
    if (!block.startsWith('data: ')) continue;
    const data = block.slice(6);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const event = JSON.parse(data) as { choices?: { text?: string; delta?: { content?: string }; finish_reason: string | null }[] };
    events.push(event);
    for (const c of event.choices ?? []) {
      text += c.text ?? c.delta?.content ?? '';
      finish = c.finish_reason ?? finish;
    }
  }
  return { status: res.status, text, finish, done, events };
}

/** Starts a streaming request, waits for its first event, then drops the connection. */
export function disconnectAfterFirstChunk(url: string, body: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url + '/v1/completions', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
      res.once('error', () => resolve());
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
    req.end(JSON.stringify(body));
  });
}
