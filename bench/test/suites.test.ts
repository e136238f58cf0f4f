// bench/run.mjs runs every suite file in bench/, the ones others depend on first.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the bench scripts, without type declarations
import { suiteNames } from '../lib/suites.mjs';

describe('finding benchmark suites', () => {
  it('takes every .mjs but run.mjs, bandwidth, decode and compile first, then the rest by name', () => {
    const files = ['run.mjs', 'parse.mjs', 'compile.mjs', 'README.md', 'check.mjs', 'decode.mjs', 'bandwidth.mjs', 'RESULTS.json'];
    expect(suiteNames(files)).toEqual(['bandwidth', 'decode', 'compile', 'check', 'parse']);
  });
});
