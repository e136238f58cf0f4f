// The no-repeat-n-gram rule against a plain formulation: every n-gram of the sequence is collected, and
// a token is banned when the last n - 1 tokens followed by it make one of them.
import { describe, expect, it } from 'vitest';
import { bannedByNgram, parseEarlyStopping, Rng, UsageError, validateBeamOptions } from '../src/index.js';

function bannedPlainly(ids: number[], n: number, vocab: number): Set<number> {
  const seen = new Set<string>();
  for (let i = 0; i + n <= ids.length; i++) seen.add(ids.slice(i, i + n).join(','));
  const banned = new Set<number>();
  if (ids.length < n) return banned;
  const tail = ids.slice(ids.length - (n - 1));
  for (let t = 0; t < vocab; t++) if (seen.has([...tail, t].join(','))) banned.add(t);
  return banned;
}

describe('no-repeat n-grams', () => {
  it('bans what the plain formulation bans, for random sequences and sizes', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const vocab = 2 + Math.floor(rng.next() * 5);
      const ids = Array.from({ length: Math.floor(rng.next() * 14) }, () => Math.floor(rng.next() * vocab));
      const n = 1 + Math.floor(rng.next() * 4);
      expect([...bannedByNgram(ids, n)].sort(), `${ids} n=${n}`).toEqual([...bannedPlainly(ids, n, vocab)].sort());
    }
  });

  it('bans the token that would repeat a bigram, and nothing before a whole n-gram exists', () => {
    expect([...bannedByNgram([40, 2883, 2712, 40], 2)]).toEqual([2883]);
    expect(bannedByNgram([40, 2883], 3).size).toBe(0);
  });
});

describe('beam options', () => {
  it('reads --early-stopping as transformers spells it', () => {
    expect(parseEarlyStopping('true')).toBe(true);
    expect(parseEarlyStopping('false')).toBe(false);
    expect(parseEarlyStopping('never')).toBe('never');
    expect(() => parseEarlyStopping('yes')).toThrow(UsageError);
  });

  it('refuses more returned sequences than beams, and sizes that are not whole', () => {
    expect(() => validateBeamOptions({ beams: 2, numReturn: 3 })).toThrow(/from 1 to the number of beams \(2\)/);
    expect(() => validateBeamOptions({ beams: 2.5 })).toThrow(UsageError);
    expect(() => validateBeamOptions({ beams: 4, noRepeatNgram: -1 })).toThrow(UsageError);
    expect(() => validateBeamOptions({ beams: 4, lengthPenalty: Infinity })).toThrow(UsageError);
  });
});
