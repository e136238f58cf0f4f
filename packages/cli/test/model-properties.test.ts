// Every file in models/ passes every property `tdl test` derives from it, through @tdl/testing, the
// library the command runs on: a file added to models/ is tested here with no table to edit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, testModel } from '@tdl/testing';
import { nodeThreads } from '../src/threads.js';
import { ROOT, modelFiles } from './support/model-files.js';

/**
 * Known defects, each pinned exactly so the test fails when it changes (fixed, or failing differently).
 * phi3.tdl: the window property reports a reach larger than its shrunk window allows and the nearest
 * token inside it leaves the last logits unchanged; seen after config sections, string constants and
 * the new seeded-weights sampler met on main, and not yet explained.
 */
const KNOWN_FAILURES: Record<string, { readonly property: string; readonly reason: RegExp }> = {
  'phi3.tdl': { property: 'window', reason: /inside a reach of \d+\) did not change the last position's logits$/ },
};

describe('the properties of every model file', () => {
  it.each(modelFiles())('%s passes them', async (file) => {
    const name = `models/${file}`;
    const report = await testModel({ name, text: readFileSync(join(ROOT, name), 'utf8') }, { runs: 3, seed: 1, spawn: nodeThreads(1).spawn });
    const failed = report.results.filter((r) => r.status === 'failed');
    const known = KNOWN_FAILURES[file];
    if (known) {
      expect(failed.map((r) => r.property), formatReport(report)).toEqual([known.property]);
      expect(failed[0]!.reason).toMatch(known.reason);
    } else expect(failed, formatReport(report)).toEqual([]);
    // Shapes, causality and the cache apply to every decoder here; params and namings to every file.
    expect(report.results.filter((r) => r.status === 'passed').map((r) => r.property)).toEqual(expect.arrayContaining(['shapes', 'causality', 'kv-cache', 'namings', 'params']));
  },
  // A 128-expert file (qwen3-moe.tdl: 18,432 expert weights at its published size) takes 30–75 s here
  // on two shared cores: the checkpoint section is matched against every parameter each time a property
  // checks the file at full size.
  180_000);
});
