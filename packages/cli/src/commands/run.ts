// tdl run: generates text from a model, streaming tokens as they come.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { modelVocab } from '@tdl/compiler';
import { checkTokenId, generate, UsageError, validateSamplerOptions, type GenerateEvent } from '@tdl/runtime';
import { SET_FLAG, boolFlag, plural, numberFlag, parseIds, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { loadFacts, PRESET_FLAG, withFolderWeights } from '../folder.js';
import { resolveModelTarget } from '../gguf.js';
import type { CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { openSession, WEIGHT_FLAGS } from '../session.js';
import { resolveTokenizer, TOKENIZER_FLAG } from '../tokenizer.js';
import { BEAM_FLAGS, beamOptions, printBeams, runBeams } from './run-beams.js';

/** Tokens generated when --max-tokens is not given. */
const MAX_TOKENS = 64;

export const runSpec: CommandSpec = {
  name: 'run',
  args: 'FILE|DIR|FILE.gguf [--prompt TEXT | --ids 1,2,3]',
  summary: 'Generate tokens from a model, streaming them as they come; ends with prefill and decode speeds.',
  flags: [
    { name: 'prompt', type: 'string', value: 'TEXT', default: '"Hello"; for a folder without tokenizer.json, its bos token', doc: 'prompt text' },
    { name: 'ids', type: 'string', value: '1,2,3', doc: 'prompt as token ids instead of text' },
    TOKENIZER_FLAG,
    ...WEIGHT_FLAGS,
    { name: 'max-tokens', type: 'string', value: 'N', default: String(MAX_TOKENS), doc: 'most tokens to generate' },
    { name: 'temperature', type: 'string', value: 'T', default: '0 (greedy)', doc: 'sampling temperature' },
    { name: 'top-k', type: 'string', value: 'K', default: '0 (off)', doc: 'sample among the K most likely tokens' },
    { name: 'top-p', type: 'string', value: 'P', default: '1 (off)', doc: 'sample from the smallest set with probability P' },
    { name: 'min-p', type: 'string', value: 'P', default: '0 (off)', doc: 'drop tokens below P times the most likely' },
    { name: 'repetition-penalty', type: 'string', value: 'R', default: '1 (off)', doc: 'penalise tokens already seen' },
    { name: 'stop', type: 'string', value: '1,2', default: "the tokenizer's end-of-text token", doc: 'token ids that end generation' },
    { name: 'seed', type: 'string', value: 'N', default: '0', doc: 'sampling seed' },
    ...BEAM_FLAGS,
    { name: 'json', type: 'boolean', doc: 'print one JSON object (ids, text, timings) instead of streaming' },
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runRun(given: ParsedArgs, io: CliIO): Promise<number> {
  const target = await resolveModelTarget(requireFile(given.positionals, 'run'), given);
  const args = withFolderWeights(given, target);
  const file = target.file;
  const promptText = stringFlag(args, 'prompt');
  const idsText = stringFlag(args, 'ids');
  if (promptText !== undefined && idsText !== undefined) throw new UsageError('give --prompt or --ids, not both');
  const { graph, namings, text } = loadModel(io, file, target.overrides);
  const vocab = { name: graph.name, vocabSize: modelVocab(graph) };
  if (target.ggufTokenizer !== undefined && idsText === undefined && stringFlag(args, 'tokenizer') === undefined) {
    throw new UsageError(`${target.gguf} carries a '${target.ggufTokenizer}' tokenizer, which tdl does not read yet: give the prompt as --ids, or --tokenizer FILE`);
  }
  const tokenizer = resolveTokenizer(stringFlag(args, 'tokenizer'), vocab.vocabSize, stringFlag(args, 'weights'));
  // A folder without a tokenizer, asked for no prompt, starts from its first token (decoder start or bos).
  const start = target.generation?.decoderStart ?? target.generation?.bos;
  const bare = target.folder !== undefined && !existsSync(join(target.folder, 'tokenizer.json')) && stringFlag(args, 'tokenizer') === undefined;
  const prompt =
    idsText !== undefined ? parseIds(idsText) : promptText === undefined && bare && start !== undefined ? [start] : tokenizer.encode(promptText ?? 'Hello');
  const stopText = stringFlag(args, 'stop');
  // A folder's generation_config.json names its end tokens; else the tokenizer's.
  const folderStops = target.generation?.eos.length ? target.generation.eos : undefined;
  const stopTokens = stopText !== undefined ? parseIds(stopText, 'stop') : (folderStops ?? tokenizer.stopTokens).filter((id) => id < vocab.vocabSize);
  // Everything the user typed is checked before weights are made or read, which can take seconds.
  prompt.forEach((id, i) => checkTokenId(vocab, id, `token id ${id} at position ${i}`));
  stopTokens.forEach((id) => checkTokenId(vocab, id, `--stop token ${id}`));
  const options = {
    maxTokens: numberFlag(args, 'max-tokens', MAX_TOKENS, { integer: true, min: 0 }),
    temperature: numberFlag(args, 'temperature', 0),
    topK: numberFlag(args, 'top-k', 0, { integer: true }),
    topP: numberFlag(args, 'top-p', 1),
    minP: numberFlag(args, 'min-p', 0),
    repetitionPenalty: numberFlag(args, 'repetition-penalty', 1),
    seed: numberFlag(args, 'seed', 0, { integer: true, min: 0 }),
    stopTokens,
  };
  validateSamplerOptions(options);
  const beams = beamOptions(args, vocab, options.maxTokens, stopTokens);
  const json = boolFlag(args, 'json');
  const session = await openSession(graph, args, io, namings, loadFacts(target, text));
  if (beams) {
    try {
      const result = await runBeams(session.executor, prompt, beams, session.memory);
      const contextFull = prompt.length + options.maxTokens > session.executor.spec.contextLength;
      printBeams(io, result, { model: graph.name, tokenizer, prompt, ...(promptText !== undefined ? { promptText } : {}), json, contextFull });
    } finally {
      session.executor.dispose();
    }
    return 0;
  }
  const decoder = tokenizer.streamDecoder();
  let done: Extract<GenerateEvent, { kind: 'done' }> | undefined;
  // The prompt is echoed once generation has accepted it, so a refused prompt is not printed first.
  let echoed = json || promptText === undefined;
  try {
    for await (const event of generate(session.executor, prompt, { ...options, ...(session.memory ? { memory: session.memory } : {}) })) {
      if (!echoed) {
        io.stdout.write(promptText!);
        echoed = true;
      }
      if (event.kind === 'token') {
        if (!json) io.stdout.write(decoder.push(event.id));
      } else done = event;
    }
  } finally {
    session.executor.dispose();
  }
  const t = done!.timings;
  if (json) {
    io.stdout.write(
      JSON.stringify({
        model: graph.name,
        tokenizer: tokenizer.name,
        promptIds: prompt,
        generatedIds: done!.tokens,
        text: tokenizer.decode([...done!.tokens]),
        finishReason: done!.reason,
        timings: t,
      }) + '\n',
    );
  } else {
    io.stdout.write(decoder.flush() + '\n');
    io.stderr.write(
      `prefill: ${plural(t.promptTokens, 'token')} at ${t.prefillTokensPerSecond.toFixed(1)} tokens/s; ` +
        `decode: ${plural(t.generatedTokens, 'token')}${t.decodeTokensPerSecond > 0 ? ` at ${t.decodeTokensPerSecond.toFixed(1)} tokens/s` : ''} (${done!.reason})\n`,
    );
  }
  return 0;
}
