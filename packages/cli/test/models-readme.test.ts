// models/README.md's table is what scripts/models-table.mjs makes of the model files now: a file
// added or changed without regenerating the table fails here (the script is tested here, beside the CLI,
// because the workspace root does not depend on the compiler).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as compiler from '@tdl/compiler';
import { bytes } from '@tdl/language-service';
// @ts-expect-error: a plain JavaScript module without declarations
import { BEGIN, END, modelSources, modelsTable, presetsTable, withPresets, withTable } from '../../../scripts/models-table.mjs';

const ROOT = new URL('../../..', import.meta.url).pathname;
const readme = readFileSync(join(ROOT, 'models/README.md'), 'utf8');

describe('models/README.md', () => {
  const sources = modelSources(ROOT) as { name: string; text: string }[];
  const table = modelsTable(compiler, sources) as string;

  it('holds the table generated from every model file (run `node scripts/models-table.mjs` after `build` if not)', () => {
    expect(withTable(readme, table)).toBe(readme);
  });

  it('has a row per model file, each with the parameter count and KV-cache bytes per token of `tdl info`', () => {
    const rows = table.trim().split('\n').slice(2);
    expect(rows).toHaveLength(sources.length);
    for (const [i, { name, text }] of sources.entries()) {
      const info = compiler.analyze(compiler.checkSource({ name, text }).graph!);
      const cells = rows[i]!.split(' | ');
      expect(cells[0]).toContain(name.replace('models/', ''));
      expect(cells).toContain(info.params.total.toLocaleString('en-US'));
      // As `tdl info` prints them.
      expect(cells).toContain(`${bytes(info.kvCache.perToken.f32)}, ${bytes(info.kvCache.perToken.f16)}`);
    }
  });

  it('holds the presets table generated from the config sections and presets', () => {
    const presets = presetsTable(compiler, sources) as string;
    expect(withPresets(readme, presets)).toBe(readme);
    // Each preset's count is the one `tdl info --preset` computes.
    const gpt2 = sources.find((s) => s.name === 'models/gpt2.tdl')!;
    const xl = compiler.checkSource(gpt2).presets.find((p) => p.name === 'gpt2-xl')!;
    const total = compiler.countParams(compiler.checkSource(gpt2, { overrides: xl.values }).graph!).total;
    expect(presets).toContain(`gpt2-xl (${total.toLocaleString('en-US')})`);
  });

  it('goes stale when a model changes', () => {
    const changed = sources.map((s) => (s.name === 'models/gpt2.tdl' ? { ...s, text: s.text.replace('layers = 12', 'layers = 13') } : s));
    expect(withTable(readme, modelsTable(compiler, changed))).not.toBe(readme);
  });

  it('refuses a README without the markers', () => {
    expect(() => withTable(readme.replace(BEGIN, ''), table)).toThrow(/no '<!-- BEGIN GENERATED/);
    expect(() => withTable(readme.replace(END, ''), table)).toThrow();
  });
});
