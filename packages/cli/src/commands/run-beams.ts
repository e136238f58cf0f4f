// tdl run --beams N: beam search instead of greedy or sampled decoding; its flags and its output.
import { beamSearch, checkBeamsFit, parseEarlyStopping, Replaying, UsageError, validateBeamOptions, type BeamOptions, type BeamResult, type Executor, type ForkingSequences, type Tokenizer } from '@tdl/runtime';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { WebGpuExecutor } from '@tdl/runtime-webgpu';
import { numberFlag, stringFlag, type FlagSpec, type ParsedArgs } from '../flags.js';
import type { CliIO } from '../io.js';

export const BEAM_FLAGS: readonly FlagSpec[] = [
  { name: 'beams', type: 'string', value: 'N', default: '1 (no beam search)', doc: 'beam search with N beams, as transformers generate(num_beams=N)' },
  { name: 'length-penalty', type: 'string', value: 'L', default: '1', doc: 'beam search: finished scores are sum(log p) / length^L' },
  { name: 'early-stopping', type: 'string', value: 'true|false|never', default: 'false', doc: "beam search: when to stop, as transformers' early_stopping" },
  { name: 'no-repeat-ngram', type: 'string', value: 'N', default: '0 (off)', doc: 'beam search: no n-gram of N tokens occurs twice' },
  { name: 'num-return', type: 'string', value: 'N', default: '1', doc: 'beam search: hypotheses printed, best first (at most --beams)' },
];

const SAMPLING_FLAGS = ['temperature', 'top-k', 'top-p', 'min-p', 'repetition-penalty', 'seed'];

/** The beam-search options the flags ask for, or undefined for greedy or sampled decoding (--beams 1). */
export function beamOptions(args: ParsedArgs, model: { name: string; vocabSize: number }, maxTokens: number, stopTokens: readonly number[]): BeamOptions | undefined {
  const beams = numberFlag(args, 'beams', 1, { integer: true, min: 1 });
  if (beams === 1) {
    const stray = BEAM_FLAGS.slice(1).find((f) => stringFlag(args, f.name) !== undefined);
    if (stray) throw new UsageError(`--${stray.name} applies to beam search: give --beams N (2 or more) too`);
    return undefined;
  }
  const sampling = SAMPLING_FLAGS.find((name) => stringFlag(args, name) !== undefined);
  if (sampling) throw new UsageError(`--${sampling} applies to greedy or sampled decoding, not to beam search (--beams ${beams})`);
  const early = stringFlag(args, 'early-stopping');
  const options: BeamOptions = {
    beams,
    lengthPenalty: numberFlag(args, 'length-penalty', 1),
    earlyStopping: early === undefined ? false : parseEarlyStopping(early),
    noRepeatNgram: numberFlag(args, 'no-repeat-ngram', 0, { integer: true, min: 0 }),
    numReturn: numberFlag(args, 'num-return', 1, { integer: true, min: 1, max: beams }),
    maxTokens,
    stopTokens,
  };
  validateBeamOptions(options);
  checkBeamsFit(options, model);
  return options;
}

/**
 * Runs beam search on the session's executor. The CPU forks its KV caches by copying them, WebGPU swaps
 * them in and out with GPU-side copies; models with a memory or a mid-sequence cache recomputation
 * replay each beam's tokens instead.
 */
export async function runBeams(executor: Executor, prompt: readonly number[], options: BeamOptions, memory?: { data: Float32Array; length: number }): Promise<BeamResult> {
  executor.reset();
  if (memory) await executor.setMemory(memory.data, memory.length);
  return beamSearch(sequencesFor(executor, options.beams), prompt, options);
}

function sequencesFor(executor: Executor, beams: number): ForkingSequences {
  if (executor.spec.memory || executor.spec.recomputeCacheAt !== undefined) return new Replaying(executor, beams);
  if (executor instanceof CpuExecutor) return executor.sequences({ maxSequences: beams });
  if (executor instanceof WebGpuExecutor) return executor.sequences(beams);
  return new Replaying(executor, beams);
}

/** Prints the hypotheses: each on its own line after the prompt text (best first), or one JSON object. */
export function printBeams(io: CliIO, r: BeamResult, o: { model: string; tokenizer: Tokenizer; prompt: readonly number[]; promptText?: string; json: boolean; contextFull: boolean }): void {
  const reason = (h: BeamResult['hypotheses'][number]) => (h.stopToken !== undefined ? 'stop' : o.contextFull ? 'context' : 'length');
  const best = r.hypotheses[0]!;
  if (o.json) {
    io.stdout.write(
      JSON.stringify({
        model: o.model,
        tokenizer: o.tokenizer.name,
        promptIds: o.prompt,
        generatedIds: best.tokens,
        text: o.tokenizer.decode([...best.tokens]),
        finishReason: reason(best),
        beams: r.hypotheses.map((h) => ({
          ids: h.tokens,
          text: o.tokenizer.decode([...h.tokens]),
          score: h.score,
          finishReason: reason(h),
          ...(h.stopToken !== undefined ? { stopToken: h.stopToken } : {}),
        })),
        timings: { promptTokens: o.prompt.length, steps: r.steps, elapsedMs: r.elapsedMs },
      }) + '\n',
    );
    return;
  }
  for (const h of r.hypotheses) io.stdout.write(`${o.promptText ?? ''}${o.tokenizer.decode([...h.tokens])}\n`);
  const scores = r.hypotheses.map((h) => h.score.toFixed(4)).join(', ');
  io.stderr.write(`beam search: ${r.steps} steps in ${r.elapsedMs.toFixed(1)} ms; score${r.hypotheses.length > 1 ? 's' : ''} ${scores} (${reason(best)})\n`);
}
