// Beam search against transformers' generate(num_beams=…) (scripts/fixtures/make_beam_fixtures.py): tiny
// LLaMA and GPT-2 folders made by transformers' own classes, over settings of length penalty, early
// stopping, no-repeat n-grams and returned sequences; the same ids, and scores within 1e-4, on the CPU
// (forked KV caches) and on WebGPU (replayed histories).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tdl } from './support/run-cli.js';

const DIR = new URL('./fixtures/beam/', import.meta.url).pathname;
const TOLERANCE = 1e-4;
const FAMILIES = ['llama', 'gpt2'];
/** SwiftShader is slow: WebGPU runs these cases, which cover stop tokens, every early-stopping rule and n-grams. */
const ON_WEBGPU = new Set(['stop-lp1-early-false', 'stop-lp2-early-true', 'stop-lp0.5-never', 'ngram2-return3']);

interface Case {
  readonly name: string;
  readonly args: { num_beams: number; length_penalty?: number; early_stopping?: boolean | 'never'; no_repeat_ngram_size?: number; num_return_sequences?: number };
  readonly eos: number[];
  readonly sequences: { ids: number[]; stop: number | null }[];
  readonly scores: number[];
}

interface Fixture {
  readonly prompt: number[];
  readonly max_new_tokens: number;
  readonly cases: Case[];
}

interface BeamJson {
  generatedIds: number[];
  finishReason: string;
  beams: { ids: number[]; score: number; finishReason: string; stopToken?: number }[];
}

function fixture(family: string): Fixture {
  return JSON.parse(readFileSync(join(DIR, `${family}.beams.json`), 'utf8')) as Fixture;
}

/** The tdl flags that say what the case's generate arguments say. */
function flags(f: Fixture, c: Case): string[] {
  const a = c.args;
  return [
    '--ids', f.prompt.join(','),
    '--max-tokens', String(f.max_new_tokens),
    '--stop', c.eos.join(','),
    '--beams', String(a.num_beams),
    ...(a.length_penalty !== undefined ? ['--length-penalty', String(a.length_penalty)] : []),
    ...(a.early_stopping !== undefined ? ['--early-stopping', String(a.early_stopping)] : []),
    ...(a.no_repeat_ngram_size !== undefined ? ['--no-repeat-ngram', String(a.no_repeat_ngram_size)] : []),
    ...(a.num_return_sequences !== undefined ? ['--num-return', String(a.num_return_sequences)] : []),
    '--json',
  ];
}

const cases = FAMILIES.flatMap((family) => fixture(family).cases.map((c) => ({ family, c, label: `${family} ${c.name}` })));

describe.for(['cpu', 'webgpu'] as const)('beam search on %s', (backend) => {
  it('has fixtures for every case on both families', () => {
    for (const family of FAMILIES) expect(fixture(family).cases.length).toBeGreaterThanOrEqual(7);
  });

  it.for(cases.filter(({ c }) => backend === 'cpu' || ON_WEBGPU.has(c.name)).map((x) => [x.label, x] as const))('%s: the sequences and scores of generate(num_beams=…)', async ([, { family, c }], ctx) => {
    const r = await tdl('run', join(DIR, family), ...flags(fixture(family), c), ...(backend === 'webgpu' ? ['--backend', 'webgpu'] : []));
    if (r.code !== 0 && /no WebGPU adapter/.test(r.stderr) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(r.stderr.trim());
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as BeamJson;
    expect(got.beams.map((b) => b.ids)).toEqual(c.sequences.map((s) => s.ids));
    expect(got.beams.map((b) => b.stopToken ?? null)).toEqual(c.sequences.map((s) => s.stop));
    expect(got.beams.map((b) => b.finishReason)).toEqual(c.sequences.map((s) => (s.stop === null ? 'length' : 'stop')));
    got.beams.forEach((b, i) => expect(Math.abs(b.score - c.scores[i]!), `score of beam ${i}`).toBeLessThanOrEqual(TOLERANCE));
    expect(got.generatedIds).toEqual(c.sequences[0]!.ids);
    expect(got.finishReason).toBe(got.beams[0]!.finishReason);
  });
});
