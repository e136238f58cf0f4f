// The HTTP side of `tdl serve`: OpenAI's routes on node:http, limits, streaming as server-sent
// events, cancellation when a client goes away, and a graceful shutdown.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { checkTokenId, UsageError, type Batcher, type Tokenizer } from '@tdl/runtime';
import { readJson } from './body.js';
import type { ChatFormat } from './chat-template.js';
import { Interrupted, runChoices } from './choices.js';
import { ApiError, badParam } from './errors.js';
import { parseRequest, type ApiRequest } from './requests.js';
import { chunk, fullResponse, usageChunk, usageOf, type Envelope } from './responses.js';

export interface ServerOptions {
  readonly batcher: Batcher;
  readonly tokenizer: Tokenizer;
  readonly chat: ChatFormat;
  /** The id clients give as `model`. */
  readonly modelName: string;
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  /** max_tokens when a request gives none. */
  readonly defaultMaxTokens: number;
  /** The most max_tokens a request may ask for. */
  readonly tokenLimit: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  readonly retryAfterSeconds: number;
  /** One line about a failure inside the server (never sent to clients). */
  readonly log: (line: string) => void;
}

export interface ApiServer {
  readonly server: Server;
  /** Refuses new requests, lets those in flight finish for `graceMs`, then ends them and closes. */
  shutdown(graceMs: number): Promise<void>;
}

export function createApiServer(options: ServerOptions): ApiServer {
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handle(options, req, res, stopping.signal).catch((e) => {
      options.log(`tdl serve: internal error: ${(e as Error)?.message ?? String(e)}`);
      if (!res.headersSent) sendError(res, new ApiError(500, 'internal server error', 'server_error'));
      else res.destroy();
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  server.keepAliveTimeout = 5000;
  return {
    server,
    async shutdown(graceMs) {
      server.close();
      server.closeIdleConnections();
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      stopping.abort();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
    },
  };
}

async function handle(o: ServerOptions, req: IncomingMessage, res: ServerResponse, stopping: AbortSignal): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (stopping.aborted || !o.batcher) return sendError(res, new ApiError(503, 'the server is shutting down', 'server_error'));
  const route = ROUTES[path as keyof typeof ROUTES];
  if (!route) return sendError(res, new ApiError(404, `no route ${printable(path ?? '/')}: the routes are ${Object.keys(ROUTES).join(', ')}`, 'not_found_error'));
  if (req.method !== route.method) {
    res.setHeader('Allow', route.method);
    return sendError(res, new ApiError(405, `${path} takes ${route.method}, not ${printable(req.method ?? '')}`));
  }
  try {
    if (route.kind === 'health') {
      const s = o.batcher.stats;
      return sendJson(res, 200, { status: 'ok', active: s.active, waiting: s.waiting });
    }
    if (route.kind === 'models') return sendJson(res, 200, { object: 'list', data: [{ id: o.modelName, object: 'model', created: 0, owned_by: 'tdl' }] });
    const request = parseRequest(route.kind, await readJson(req, o.maxBodyBytes));
    await complete(o, request, req, res, stopping);
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.status === 413) res.setHeader('Connection', 'close');
      if (e.status === 429) res.setHeader('Retry-After', String(o.retryAfterSeconds));
      return sendError(res, e);
    }
    throw e;
  }
}

const ROUTES = {
  '/health': { method: 'GET', kind: 'health' },
  '/v1/models': { method: 'GET', kind: 'models' },
  '/v1/completions': { method: 'POST', kind: 'completion' },
  '/v1/chat/completions': { method: 'POST', kind: 'chat' },
} as const;

async function complete(o: ServerOptions, request: ApiRequest, req: IncomingMessage, res: ServerResponse, stopping: AbortSignal): Promise<void> {
  if (request.model !== o.modelName) throw new ApiError(404, `the model '${printable(request.model)}' does not exist: this server runs '${o.modelName}'`, 'invalid_request_error', 'model', 'model_not_found');
  const prompt = promptIds(o, request);
  const context = o.batcher.spec.contextLength;
  if (prompt.length > context) {
    throw new ApiError(400, `the prompt has ${prompt.length} tokens; the model's context holds ${context}`, 'invalid_request_error', request.kind === 'chat' ? 'messages' : 'prompt', 'context_length_exceeded');
  }
  const maxTokens = request.maxTokens ?? o.defaultMaxTokens;
  if (maxTokens > o.tokenLimit) throw badParam('max_tokens', `'max_tokens' may be at most ${o.tokenLimit} on this server, got ${maxTokens}`);
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = AbortSignal.any([gone.signal, timeout, stopping]);
  const env: Envelope = { id: `${request.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: o.modelName };
  const started = new Set<number>();
  const onText = (index: number, text: string) => {
    if (!request.stream) return;
    send(res, chunk(request.kind, env, index, text, null, !started.has(index)));
    started.add(index);
  };
  // Queued now: a full queue or a refused prompt is still answered with a status.
  const running = runChoices(o.batcher, o.tokenizer, prompt, { ...request, maxTokens }, { onText, signal });
  if (request.stream) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
  }
  try {
    const results = await running;
    const usage = usageOf(prompt.length, results);
    if (!request.stream) return sendJson(res, 200, fullResponse(request.kind, env, results, usage));
    results.forEach((r, index) => send(res, chunk(request.kind, env, index, '', r.finishReason)));
    if (request.includeUsage) send(res, usageChunk(request.kind, env, usage));
    res.end('data: [DONE]\n\n');
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    if (gone.signal.aborted) return; // nobody to answer
    const error = stopping.aborted
      ? new ApiError(503, 'the server shut down before the answer was complete', 'server_error')
      : timeout.aborted
        ? new ApiError(408, `the request took longer than ${o.timeoutMs / 1000} s`, 'timeout_error')
        : new ApiError(500, `generation failed: ${e.message}`, 'server_error');
    if (e.why === 'error') o.log(`tdl serve: generation failed: ${e.message}`);
    if (!request.stream) return sendError(res, error);
    send(res, error.body());
    res.end('data: [DONE]\n\n');
  }
}

/** The request's prompt as token ids: the chat rendered through the template, or the text encoded. */
function promptIds(o: ServerOptions, request: ApiRequest): number[] {
  const ids = request.kind === 'chat' ? o.tokenizer.encode(o.chat.render(request.messages)) : typeof request.prompt === 'string' ? o.tokenizer.encode(request.prompt) : [...request.prompt];
  const param = request.kind === 'chat' ? 'messages' : 'prompt';
  if (ids.length === 0) throw badParam(param, 'the prompt is empty: it has no tokens');
  try {
    ids.forEach((id, i) => checkTokenId(o.batcher.spec, id, `token id ${id} at position ${i}`));
  } catch (e) {
    if (e instanceof UsageError) throw badParam(param, e.message);
    throw e;
  }
  return ids;
}

function send(res: ServerResponse, data: object): void {
  if (!res.writableEnded) res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, error.body());
}

/** Text from the request for a message: control characters shown as escapes, and kept short. */
function printable(text: string): string {
  const shown = JSON.stringify(text).slice(1, -1);
  return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
}
