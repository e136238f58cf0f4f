// The transformers folders of the 2024–2025 families run as themselves: `tdl logits DIR` and `tdl run
// DIR` with no constant given choose the model file by config.json and read every constant through its
// config section (sizes, tie_word_embeddings, RoPE scaling with its lists), and give transformers'
// float64 logits within 1e-4 and the greedy ids of its `generate`, on the CPU and on WebGPU.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, readManifest, readTensors, type GoldenCase } from './support/pytorch-goldens.js';
import { tdl } from './support/run-cli.js';

const DIR = new URL('./fixtures/hf/', import.meta.url).pathname;
const LOGITS_TOLERANCE = 1e-4;
const temp = mkdtempSync(join(tmpdir(), 'tdl-hf-family-folders-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const folderOf = (c: GoldenCase): string => join(DIR, (c as GoldenCase & { hf: { folder: string } }).hf.folder);

/**
 * Dynamic NTK grows the base past max_position_embeddings, which transformers also lets generation go
 * beyond; tdl reads max_position_embeddings as the context, so these runs give the longer one.
 */
const extra = (c: GoldenCase): string[] => (c.set['rope_type'] === 'dynamic' ? ['--set', `context=${String(c.set['context'])}`] : []);

/** stderr less the line naming the WebGPU adapter. */
const notices = (stderr: string): string => stderr.replace(/^tdl: WebGPU on .*\n/m, '');

const rows = readManifest(DIR).cases.flatMap((c) => (['cpu', 'webgpu'] as const).map((backend) => [`${c.name} (${backend})`, c, backend] as const));

describe('transformers folders of the 2024–2025 families, as themselves', () => {
  it.for(rows)('%s: tdl logits DIR and tdl run DIR match transformers', async ([, c, backend], ctx) => {
    const out = join(temp, `${c.name}-${backend}.safetensors`);
    const ids = c.prompt.join(',');
    const logits = await tdl('logits', folderOf(c), ...extra(c), '--ids', ids, '--backend', backend, '--out', out);
    if (/no WebGPU adapter/.test(logits.stderr) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(logits.stderr);
    expect(notices(logits.stderr)).toBe('');
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    expect(maxAbsDiff((await readTensors(out)).get('logits')!, goldens.get('logits_f32')!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    const greedy = c.greedy.f32!;
    const run = await tdl('run', folderOf(c), ...extra(c), '--ids', ids, '--backend', backend, '--max-tokens', String(greedy.length), '--json');
    expect(notices(run.stderr)).toBe('');
    expect((JSON.parse(run.stdout) as { generatedIds: number[] }).generatedIds).toEqual(greedy);
  });
});
