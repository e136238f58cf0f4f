// Reads OpenAI completion and chat-completion bodies into typed requests; anything else is a 400 naming the field.
import { badParam, ApiError } from './errors.js';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  readonly content: string;
}

/** What both endpoints share: sampling, limits and streaming. */
export interface Sampling {
  readonly model: string;
  readonly maxTokens: number | undefined;
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
  readonly minP: number;
  readonly seed: number;
  readonly stop: readonly string[];
  readonly n: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

export type ApiRequest =
  | ({ readonly kind: 'completion'; readonly prompt: string | readonly number[] } & Sampling)
  | ({ readonly kind: 'chat'; readonly messages: readonly ChatMessage[] } & Sampling);

const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'developer']);
/** Fields clients commonly send that change nothing here; anything else unknown is refused. */
const IGNORED = new Set(['user', 'frequency_penalty', 'presence_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'echo', 'best_of', 'suffix', 'response_format', 'tools', 'tool_choice', 'parallel_tool_calls', 'store', 'metadata', 'service_tier', 'stream_options', 'max_completion_tokens']);
const COMMON = ['model', 'max_tokens', 'temperature', 'top_p', 'top_k', 'min_p', 'seed', 'stop', 'n', 'stream'];

/** Most choices one request may ask for. */
export const MAX_N = 16;

export function parseRequest(kind: ApiRequest['kind'], body: unknown): ApiRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'the request body must be a JSON object');
  const o = body as Record<string, unknown>;
  const own = kind === 'chat' ? 'messages' : 'prompt';
  for (const key of Object.keys(o)) {
    if (key !== own && !COMMON.includes(key) && !IGNORED.has(key)) throw badParam(key, `unknown field '${key}'`);
  }
  if (typeof o['model'] !== 'string' || o['model'] === '') throw badParam('model', "'model' must be a non-empty string");
  const sampling = parseSampling(o);
  if (kind === 'chat') return { kind, messages: parseMessages(o['messages']), ...sampling };
  return { kind, prompt: parsePrompt(o['prompt']), ...sampling };
}

function parseSampling(o: Record<string, unknown>): Sampling {
  const maxTokens = o['max_tokens'] ?? o['max_completion_tokens'];
  const streamOptions = o['stream_options'];
  if (streamOptions !== undefined && streamOptions !== null && (typeof streamOptions !== 'object' || Array.isArray(streamOptions))) {
    throw badParam('stream_options', "'stream_options' must be an object");
  }
  const includeUsage = (streamOptions as { include_usage?: unknown } | null | undefined)?.include_usage;
  if (includeUsage !== undefined && typeof includeUsage !== 'boolean') throw badParam('stream_options', "'stream_options.include_usage' must be a boolean");
  const stream = o['stream'] ?? false;
  if (typeof stream !== 'boolean') throw badParam('stream', "'stream' must be a boolean");
  return {
    model: o['model'] as string,
    maxTokens: maxTokens === undefined || maxTokens === null ? undefined : integer('max_tokens', maxTokens, 1),
    temperature: number('temperature', o['temperature'], 1, (x) => x >= 0 && x <= 2, 'from 0 to 2'),
    topP: number('top_p', o['top_p'], 1, (x) => x > 0 && x <= 1, 'above 0 and at most 1'),
    topK: o['top_k'] === undefined || o['top_k'] === null ? 0 : integer('top_k', o['top_k'], 0),
    minP: number('min_p', o['min_p'], 0, (x) => x >= 0 && x <= 1, 'from 0 to 1'),
    seed: o['seed'] === undefined || o['seed'] === null ? 0 : integer('seed', o['seed'], 0),
    stop: parseStop(o['stop']),
    n: o['n'] === undefined || o['n'] === null ? 1 : integer('n', o['n'], 1, MAX_N),
    stream,
    includeUsage: includeUsage === true,
  };
}

function number(param: string, v: unknown, fallback: number, ok: (x: number) => boolean, range: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw badParam(param, `'${param}' must be a number ${range}, got ${show(v)}`);
  return v;
}

function integer(param: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw badParam(param, `'${param}' must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got ${show(v)}`);
  }
  return v;
}

function parseStop(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length > 4 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw badParam('stop', "'stop' must be a non-empty string or an array of at most 4 of them");
  }
  return list as string[];
}

function parsePrompt(v: unknown): string | number[] {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) return v as number[];
  throw badParam('prompt', "'prompt' must be a string, or an array of token ids (whole numbers, 0 or more)");
}

function parseMessages(v: unknown): ChatMessage[] {
  if (!Array.isArray(v) || v.length === 0) throw badParam('messages', "'messages' must be a non-empty array");
  return v.map((m, i) => {
    const param = `messages[${i}]`;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw badParam(param, `${param} must be an object with a role and content`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) throw badParam(`${param}.role`, `${param}.role must be one of ${[...ROLES].join(', ')}, got ${show(role)}`);
    return { role: role as ChatMessage['role'], content: messageText(content, param) };
  });
}

/** A message's content: a string, or text parts ({ type: 'text', text }) joined. */
function messageText(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((p) => typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string')) {
    return content.map((p) => (p as { text: string }).text).join('');
  }
  throw badParam(`${param}.content`, `${param}.content must be a string or an array of text parts`);
}

/** A value for a message, short and without control characters. */
function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
