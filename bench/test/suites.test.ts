// bench/run.mjs runs every suite file in bench/, the ones others depend on first.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the bench scripts, without type declarations
import { suiteNames } from '../lib/suites.mjs';

describe('finding benchmark suites', () => {
  it('takes every .mjs but run.mjs, bandwidth, decode and compile first, then the rest by name', () => {
    const files = ['run.mjs', 'parse.mjs', 'compile.mjs', 'README.md', 'check.mjs', 'decode.mjs', 'bandwidth.mjs', 'RESULTS.json'];
    expect(suiteNames(files)).toEqual(['bandwidth', 'decode', 'compile', 'check', 'parse']);
  });
});

describe('running a suite by hand', () => {
  const dir = new URL('..', import.meta.url).pathname;
  const suites = suiteNames(readdirSync(dir)) as string[];

  it('every suite prints its results when given to node', () => {
    const silent = suites.filter((name) => {
      const text = readFileSync(join(dir, `${name}.mjs`), 'utf8');
      return !text.includes('runAlone(import.meta.url') && !text.includes('import.meta.url === pathToFileURL(process.argv[1])');
    });
    expect(silent).toEqual([]);
  });

  it('node bench/bandwidth.mjs --quick prints its table', () => {
    const out = execFileSync(process.execPath, [join(dir, 'bandwidth.mjs'), '--quick'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(out).toMatch(/^## Memory bandwidth\n/);
    expect(out).toMatch(/\| WebAssembly SIMD, 1 thread \| [\d.]+ \|/);
  });
});
