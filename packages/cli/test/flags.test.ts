// Flag errors in tdl's own words: unknown flags with suggestions, missing values, negative numbers, ranges.
import { describe, expect, it } from 'vitest';
import { tdl } from './support/run-cli.js';

const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;

describe('flag errors', () => {
  it('reads a negative number after a flag as its value, so the range check answers', async () => {
    const r = await tdl('run', TINY, '--max-tokens', '-5');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tdl: error: --max-tokens must be a whole number of at least 0, got '-5'\n");
  });

  it('suggests the flag a prefix or a misspelling stands for', async () => {
    const prefix = await tdl('run', TINY, '--temp', '0.5');
    expect(prefix.stderr).toBe("tdl: error: unknown flag '--temp' for tdl run; did you mean --temperature? ('tdl run --help' lists its flags)\n");
    const typo = await tdl('run', TINY, '--max-tokns', '3');
    expect(typo.stderr).toMatch(/^tdl: error: unknown flag '--max-tokns' for tdl run; did you mean --max-tokens\?/);
    const value = await tdl('run', TINY, '--temprature=0.5');
    expect(value.stderr).toMatch(/^tdl: error: unknown flag '--temprature' for tdl run; did you mean --temperature\?/);
  });

  it('says which commands take a flag given to one that does not', async () => {
    const r = await tdl('fmt', TINY, '--set', 'layers=2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tdl: error: unknown flag '--set' for tdl fmt; it is a flag of tdl check, tdl info/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('names a flag that is missing its value, and a switch given one', async () => {
    expect((await tdl('run', TINY, '--max-tokens')).stderr).toBe('tdl: error: --max-tokens needs a value (N)\n');
    expect((await tdl('run', TINY, '--seed', '--json')).stderr).toBe("tdl: error: --seed needs a value (N), got the flag '--json'\n");
    expect((await tdl('run', TINY, '--json=yes')).stderr).toBe("tdl: error: --json is a switch and takes no value, got '--json=yes'\n");
    expect((await tdl('run', TINY, '-x')).stderr).toMatch(/^tdl: error: unknown flag '-x' for tdl run/);
  });

  it('refuses whole numbers past where doubles count exactly', async () => {
    expect((await tdl('run', TINY, '--seed', '1e30')).stderr).toBe("tdl: error: --seed must be a whole number of at least 0, got '1e30'\n");
  });

  it('checks sampling flags before any weights are made', async () => {
    expect((await tdl('run', TINY, '--top-p', '0')).stderr).toBe('tdl: error: top-p must be in (0, 1], got 0\n');
    expect((await tdl('run', TINY, '--temperature', '-1')).stderr).toBe('tdl: error: temperature must be 0 or more, got -1\n');
  });

  it('suggests the command a misspelt one stands for', async () => {
    const r = await tdl('chek', TINY);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tdl: error: unknown command 'chek'; did you mean 'tdl check'? ('tdl --help' lists the commands)\n");
  });
});

describe('token ids', () => {
  it('refuses stop tokens outside the vocabulary', async () => {
    const r = await tdl('run', TINY, '--ids', '1,2', '--stop', '99999999');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tdl: error: --stop token 99999999 is out of range for model 'tiny' (vocabulary 256: ids 0 to 255)\n");
  });

  it('refuses negative or fractional ids', async () => {
    expect((await tdl('run', TINY, '--ids', '1,-2')).stderr).toBe("tdl: error: --ids takes token ids (whole numbers, 0 or more) separated by commas, got '-2' in '1,-2'\n");
    expect((await tdl('run', TINY, '--ids', '1', '--stop', '2.5')).stderr).toMatch(/^tdl: error: --stop takes token ids/);
  });
});
