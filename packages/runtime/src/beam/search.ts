// Beam search with the rules of transformers' generate(num_beams=…): 2·beams candidates a step (more
// with several stop tokens), finished hypotheses scored sum(log p) / length ** lengthPenalty, and the
// stopping rule early_stopping picks. Beams fork and drop their KV caches through ForkingSequences.
import { checkTokenId, UsageError, validateTokens } from '../executor.js';
import type { ForkingSequences } from '../batching/sequences.js';
import { bannedByNgram } from './ngram.js';
import { candidatesPerStep, checkBeamsFit, validateBeamOptions, type BeamOptions } from './options.js';

/** transformers' stand-in for minus infinity in beam scores. */
const NEG = -1e9;

export interface Hypothesis {
  /** Generated ids, without the stop token. */
  readonly tokens: readonly number[];
  /** sum(log p) over the generated tokens (stop token included) / their count ** lengthPenalty. */
  readonly score: number;
  /** The stop token that ended it; absent when it ran to the token limit. */
  readonly stopToken?: number;
}

export interface BeamResult {
  /** `numReturn` hypotheses, best first. */
  readonly hypotheses: readonly Hypothesis[];
  /** Steps run (each decodes every live beam once). */
  readonly steps: number;
  readonly elapsedMs: number;
}

interface Beam {
  readonly tokens: number[];
  readonly score: number;
  /** The sequence holding this beam's cache (beams may share one before the first step). */
  readonly sequence: number;
}

interface Candidate {
  readonly beam: number;
  readonly token: number;
  readonly score: number;
}

interface Slot {
  readonly score: number;
  readonly tokens: readonly number[];
  readonly finished: boolean;
}

/** Runs beam search from `prompt`; `sequences` holds the beams' caches (it should take `beams` at once). */
export async function beamSearch(sequences: ForkingSequences, prompt: ArrayLike<number>, options: BeamOptions): Promise<BeamResult> {
  validateBeamOptions(options);
  const now = options.now ?? (() => performance.now());
  const spec = sequences.spec;
  const k = options.beams;
  const lengthPenalty = options.lengthPenalty ?? 1;
  const early = options.earlyStopping ?? false;
  const ngram = options.noRepeatNgram ?? 0;
  const stops = new Set(options.stopTokens ?? []);
  for (const id of stops) checkTokenId(spec, id, `stop token ${id}`);
  checkBeamsFit(options, spec);
  const keep = candidatesPerStep(options);
  if (k > sequences.maxSequences) throw new UsageError(`${k} beams need ${k} KV caches; this backend holds ${sequences.maxSequences}`);
  const promptIds = Int32Array.from(prompt);
  validateTokens(spec, 0, promptIds);
  const P = promptIds.length;
  // transformers' max_length, kept inside the context.
  const maxLength = Math.min(P + (options.maxTokens ?? 64), spec.contextLength);
  const start = now();
  if (maxLength === P) return { hypotheses: Array.from({ length: options.numReturn ?? 1 }, () => ({ tokens: [], score: 0 })), steps: 0, elapsedMs: 0 };

  const first = sequences.open();
  const firstLogits = await sequences.prefill(first, promptIds);
  // Every beam starts as the prompt; all but the first score NEG, so the first step extends one.
  let beams: Beam[] = Array.from({ length: k }, (_, b) => ({ tokens: [], score: b === 0 ? 0 : NEG, sequence: first }));
  let logits: Float32Array[] = beams.map(() => firstLogits);
  let slots: Slot[] = Array.from({ length: k }, () => ({ score: NEG, tokens: [], finished: false }));
  let improvable = true;
  let steps = 0;
  const prefix = Array.from(promptIds);

  for (let length = P; ; length++) {
    steps++;
    const candidates = topCandidates(beams, logits, keep, (b) => (ngram > 0 ? bannedByNgram([...prefix, ...beams[b]!.tokens], ngram) : undefined));
    const hits = candidates.map((c) => stops.has(c.token) || length + 1 >= maxLength);
    // The next beams: the best candidates that did not just finish.
    const order = candidates.map((c, i) => ({ i, score: c.score + (hits[i] ? NEG : 0) })).sort((a, b) => b.score - a.score || a.i - b.i);
    const chosen = order.slice(0, k);
    // The finished hypotheses: new ones from the top k candidates join the kept ones if they score higher.
    const full = early === true && slots.every((s) => s.finished);
    const generated = length + 1 - P;
    const offered: Slot[] = candidates.map((c, i) => {
      const eligible = i < k && hits[i]! && !full && improvable;
      const beam = beams[c.beam]!;
      return {
        score: c.score / generated ** lengthPenalty + (eligible ? 0 : NEG),
        tokens: [...beam.tokens, c.token],
        finished: eligible,
      };
    });
    slots = [...slots, ...offered]
      .map((s, i) => ({ s, i }))
      .sort((a, b) => b.s.score - a.s.score || a.i - b.i)
      .slice(0, k)
      .map((x) => x.s);

    const next = chosen.map(({ i, score }) => ({ candidate: candidates[i]!, score }));
    // Stopping rule (after the step, the length counts the new token).
    const hypothetical = early === 'never' && lengthPenalty > 0 ? maxLength - P : generated;
    const bestRunning = next[0]!.score / hypothetical ** lengthPenalty;
    const worst = Math.min(...slots.map((s) => s.score));
    improvable = improvable && slots.some((s) => bestRunning > (s.finished ? worst : NEG));
    const allFinished = slots.every((s) => s.finished);
    if (!improvable || (allFinished && early === true) || hits.every((h) => h)) break;

    // Caches: the first child of a beam's sequence takes it over, the others fork it; unused ones go.
    const taken = new Set<number>();
    const wanted = new Set(next.map((n) => beams[n.candidate.beam]!.sequence));
    for (const s of new Set(beams.map((b) => b.sequence))) if (!wanted.has(s)) sequences.release(s);
    const newBeams: Beam[] = next.map(({ candidate, score }) => {
      const parent = beams[candidate.beam]!;
      const sequence = taken.has(parent.sequence) ? sequences.fork(parent.sequence) : parent.sequence;
      taken.add(parent.sequence);
      return { tokens: [...parent.tokens, candidate.token], score, sequence };
    });
    beams = newBeams;
    logits = await sequences.decode(
      beams.map((b) => b.sequence),
      Int32Array.from(beams, (b) => b.tokens[b.tokens.length - 1]!),
    );
  }
  for (const s of new Set(beams.map((b) => b.sequence))) sequences.release(s);
  const hypotheses = slots.slice(0, options.numReturn ?? 1).map((s) => {
    const last = s.tokens[s.tokens.length - 1];
    const stopped = last !== undefined && stops.has(last);
    return { tokens: stopped ? s.tokens.slice(0, -1) : [...s.tokens], score: s.score, ...(stopped ? { stopToken: last } : {}) };
  });
  return { hypotheses, steps, elapsedMs: now() - start };
}

/**
 * The `keep` best continuations over all beams by beam score + log p(token), best first; ties go to the
 * lower beam, then the lower token id. Each beam's log-softmax is taken in double precision; banned
 * tokens get minus infinity. Each beam keeps its own best `keep` in a small sorted list, so a step
 * costs one pass over each row, not a sort of the vocabulary.
 */
function topCandidates(beams: readonly Beam[], logits: readonly Float32Array[], keep: number, banned: (beam: number) => Set<number> | undefined): Candidate[] {
  const all: Candidate[] = [];
  beams.forEach((beam, b) => {
    const row = logits[b]!;
    let max = -Infinity;
    for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
    let sum = 0;
    for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
    const offset = beam.score - (max + Math.log(sum));
    const ban = banned(b);
    // Best first; a token enters only when it beats the last kept one (equal scores keep the lower id).
    const scores: number[] = [];
    const tokens: number[] = [];
    for (let t = 0; t < row.length; t++) {
      const score = ban?.has(t) ? -Infinity : row[t]! + offset;
      if (scores.length === keep && !(score > scores[keep - 1]!)) continue;
      let at = scores.length === keep ? keep - 1 : scores.length;
      while (at > 0 && score > scores[at - 1]!) at--;
      scores.splice(at, 0, score);
      tokens.splice(at, 0, t);
      if (scores.length > keep) {
        scores.pop();
        tokens.pop();
      }
    }
    for (let i = 0; i < scores.length; i++) all.push({ beam: b, token: tokens[i]!, score: scores[i]! });
  });
  return all.sort((x, y) => y.score - x.score || x.beam - y.beam || x.token - y.token).slice(0, keep);
}
