// Beam search's settings, named and defaulted as transformers' generation config has them.
import { UsageError } from '../executor.js';

/** When to stop (transformers' early_stopping): true, false (its heuristic), or 'never' (the canonical rule). */
export type EarlyStopping = boolean | 'never';

export interface BeamOptions {
  /** Beams kept each step (2 or more). */
  readonly beams: number;
  /** Finished hypotheses score sum(log p) / generatedLength ** lengthPenalty (default 1). */
  readonly lengthPenalty?: number;
  /** Default false. */
  readonly earlyStopping?: EarlyStopping;
  /** Bans any n-gram of this size from occurring twice (0, the default: off). */
  readonly noRepeatNgram?: number;
  /** Hypotheses returned, best first (default 1, at most `beams`). */
  readonly numReturn?: number;
  /** Most tokens to generate, the stop token included (default 64). */
  readonly maxTokens?: number;
  /** Token ids that finish a hypothesis. */
  readonly stopTokens?: readonly number[];
  /** A monotonic clock in milliseconds (default performance.now). */
  readonly now?: () => number;
}

export function validateBeamOptions(o: BeamOptions): void {
  const bad = (what: string) => {
    throw new UsageError(what);
  };
  if (!(Number.isInteger(o.beams) && o.beams >= 1)) bad(`beams must be a whole number, 1 or more, got ${o.beams}`);
  if (o.lengthPenalty !== undefined && !Number.isFinite(o.lengthPenalty)) bad(`length penalty must be a finite number, got ${o.lengthPenalty}`);
  if (o.noRepeatNgram !== undefined && !(Number.isInteger(o.noRepeatNgram) && o.noRepeatNgram >= 0)) {
    bad(`no-repeat n-gram size must be a whole number, 0 or more, got ${o.noRepeatNgram}`);
  }
  const n = o.numReturn ?? 1;
  if (!(Number.isInteger(n) && n >= 1 && n <= o.beams)) bad(`the number of sequences returned must be from 1 to the number of beams (${o.beams}), got ${n}`);
  if (o.maxTokens !== undefined && !(Number.isInteger(o.maxTokens) && o.maxTokens >= 0)) bad(`max tokens must be a whole number, 0 or more, got ${o.maxTokens}`);
}

/** Candidates weighed each step: 2 per beam, or one more per beam for each stop token past the first (as transformers). */
export function candidatesPerStep(o: Pick<BeamOptions, 'beams' | 'stopTokens'>): number {
  return Math.max(2, 1 + new Set(o.stopTokens ?? []).size) * o.beams;
}

/** Refuses more candidates a step than the vocabulary has tokens. */
export function checkBeamsFit(o: Pick<BeamOptions, 'beams' | 'stopTokens'>, model: { readonly name: string; readonly vocabSize: number }): void {
  const keep = candidatesPerStep(o);
  if (keep > model.vocabSize) throw new UsageError(`${o.beams} beams weigh ${keep} candidates a step, more than the vocabulary of model '${model.name}' (${model.vocabSize})`);
}

/** `true`, `false` or `never`, as --early-stopping takes it. */
export function parseEarlyStopping(raw: string): EarlyStopping {
  switch (raw) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'never':
      return 'never';
    default:
      throw new UsageError(`--early-stopping takes true, false or never, got '${raw}'`);
  }
}
