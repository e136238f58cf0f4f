// tdl serve: an OpenAI-compatible HTTP server over one model, decoding its requests in shared batches.
import { modelManifest, modelVocab } from '@tdl/compiler';
import { Batcher, OneAtATime, UsageError, type SequenceExecutor } from '@tdl/runtime';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { numberFlag, overrides as overrideSet, SET_FLAG, stringFlag, type CommandSpec, type FlagSpec, type ParsedArgs } from '../flags.js';
import { readText, type CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { chatFormat } from '../serve/chat-template.js';
import { createApiServer, type ApiServer } from '../serve/server.js';
import { openSession } from '../session.js';
import { resolveTokenizer, tokenizerConfig } from '../tokenizer.js';
import { runSpec } from './run.js';

/** The flags of `tdl run` that mean the same for a server: the model, its weights, where it runs. */
const RUN_FLAGS = ['tokenizer', 'weights', 'naming', 'init-seed', 'backend', 'kernels', 'threads', 'weight-dtype', 'max-tokens'];

function runFlag(name: string): FlagSpec {
  const flag = runSpec.flags.find((f) => f.name === name);
  if (!flag) throw new Error(`internal error: tdl run has no flag --${name}`);
  return name === 'max-tokens' ? { ...flag, doc: "max_tokens of a request that gives none" } : flag;
}

const DEFAULTS = { host: '127.0.0.1', port: 8080, maxBatch: 16, memoryMiB: 2048, maxQueue: 64, maxBody: 1 << 20, timeout: 300, grace: 10, maxTokens: 64 };

export const serveSpec: CommandSpec = {
  name: 'serve',
  args: 'FILE|DIR',
  summary: 'Serve a model over an OpenAI-compatible HTTP API (completions, chat, streaming), decoding requests in shared batches.',
  flags: [
    { name: 'host', type: 'string', value: 'ADDRESS', default: DEFAULTS.host, doc: 'address to listen on' },
    { name: 'port', type: 'string', value: 'N', default: String(DEFAULTS.port), doc: 'port to listen on (0: any free one, printed at startup)' },
    { name: 'model-name', type: 'string', value: 'NAME', default: "the model's name", doc: "the id clients pass as 'model'" },
    { name: 'chat-template', type: 'string', value: 'FILE', default: "tokenizer_config.json's chat_template, else role: content lines", doc: 'a Jinja chat template for /v1/chat/completions' },
    ...RUN_FLAGS.map(runFlag),
    { name: 'max-batch', type: 'string', value: 'N', default: String(DEFAULTS.maxBatch), doc: 'most sequences decoded together' },
    { name: 'memory-budget', type: 'string', value: 'MIB', default: String(DEFAULTS.memoryMiB), doc: "MiB the sequences' KV caches may take together (bounds how many run at once)" },
    { name: 'max-queue', type: 'string', value: 'N', default: String(DEFAULTS.maxQueue), doc: 'requests that may wait for a free sequence; more get 429' },
    { name: 'max-body', type: 'string', value: 'BYTES', default: String(DEFAULTS.maxBody), doc: 'largest request body; larger gets 413' },
    { name: 'token-limit', type: 'string', value: 'N', default: "the model's context", doc: 'most max_tokens one request may ask for' },
    { name: 'timeout', type: 'string', value: 'SECONDS', default: String(DEFAULTS.timeout), doc: 'longest a request may run' },
    { name: 'grace', type: 'string', value: 'SECONDS', default: String(DEFAULTS.grace), doc: 'on SIGINT or SIGTERM, how long requests in flight may finish before they are ended' },
    SET_FLAG,
  ],
};

export interface RunningServer {
  readonly url: string;
  readonly api: ApiServer;
  readonly batcher: Batcher;
  /** The CPU executor, when the model runs on the CPU (its arena's bytes show memory use). */
  readonly cpu: CpuExecutor | undefined;
  close(graceMs?: number): Promise<void>;
}

/** Loads the model and starts listening; resolves once the server accepts connections. */
export async function openServe(args: ParsedArgs, io: CliIO): Promise<RunningServer> {
  const file = requireFile(args.positionals, 'serve');
  const host = stringFlag(args, 'host') ?? DEFAULTS.host;
  const port = numberFlag(args, 'port', DEFAULTS.port, { integer: true, min: 0, max: 65535 });
  const maxBatch = numberFlag(args, 'max-batch', DEFAULTS.maxBatch, { integer: true, min: 1, max: 256 });
  const memoryMiB = numberFlag(args, 'memory-budget', DEFAULTS.memoryMiB, { min: 0, aboveMin: true });
  const maxQueue = numberFlag(args, 'max-queue', DEFAULTS.maxQueue, { integer: true, min: 0 });
  const maxBody = numberFlag(args, 'max-body', DEFAULTS.maxBody, { integer: true, min: 64 });
  const timeout = numberFlag(args, 'timeout', DEFAULTS.timeout, { min: 0, aboveMin: true });
  const grace = numberFlag(args, 'grace', DEFAULTS.grace, { min: 0 });
  const { graph, namings } = loadModel(io, file, overrideSet(args));
  const manifest = modelManifest(graph);
  if (manifest.memory) throw new UsageError(`model '${graph.name}' attends to a memory '${manifest.memory.name}': tdl serve runs models of text alone`);
  const tokenLimit = numberFlag(args, 'token-limit', manifest.context, { integer: true, min: 1 });
  const defaultMaxTokens = numberFlag(args, 'max-tokens', DEFAULTS.maxTokens, { integer: true, min: 1 });
  const weights = stringFlag(args, 'weights');
  const tokenizer = resolveTokenizer(stringFlag(args, 'tokenizer'), modelVocab(graph), weights);
  const templatePath = stringFlag(args, 'chat-template');
  const found = tokenizerConfig(stringFlag(args, 'tokenizer'), weights);
  const chat = templatePath !== undefined ? chatFormat({ ...found?.config, chat_template: readText(templatePath) }, templatePath) : chatFormat(found?.config, found?.path ?? '');
  const session = await openSession(graph, args, io, namings);
  const executor = session.executor;
  try {
    const sequences: SequenceExecutor =
      executor instanceof CpuExecutor ? executor.sequences({ maxSequences: maxBatch, memoryBytes: memoryMiB * 2 ** 20 }) : new OneAtATime(executor);
    const batcher = new Batcher(sequences, { maxBatch, maxQueue });
    const api = createApiServer({
      batcher,
      tokenizer,
      chat,
      modelName: stringFlag(args, 'model-name') ?? graph.name,
      maxBodyBytes: maxBody,
      timeoutMs: timeout * 1000,
      defaultMaxTokens: Math.min(defaultMaxTokens, tokenLimit),
      tokenLimit,
      retryAfterSeconds: 1,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    await listen(api, host, port);
    const address = api.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    io.stderr.write(
      `tdl serve: ${graph.name} on ${url} (${executor instanceof CpuExecutor ? `cpu, up to ${batcher.capacity} sequences per step` : 'webgpu, one sequence at a time'}; chat template: ${chat.source})\n`,
    );
    let closed = false;
    return {
      url,
      api,
      batcher,
      cpu: executor instanceof CpuExecutor ? executor : undefined,
      async close(graceMs = grace * 1000) {
        if (closed) return;
        closed = true;
        await api.shutdown(graceMs);
        await batcher.idle();
        executor.dispose();
      },
    };
  } catch (e) {
    executor.dispose();
    throw e;
  }
}

/** Serves until SIGINT or SIGTERM, then finishes (or ends) the requests in flight and exits. */
export async function runServe(args: ParsedArgs, io: CliIO): Promise<number> {
  const running = await openServe(args, io);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.stderr.write(`tdl serve: ${signal}: finishing the requests in flight\n`);
  await running.close();
  io.stderr.write('tdl serve: stopped\n');
  return 0;
}

function listen(api: ApiServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    api.server.once('error', (e: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`)));
    api.server.listen(port, host, () => resolve());
  });
}


