// tdl fmt through the CLI's entry point: print, --check and --write, comments kept, files with syntax
// errors refused and left alone, bad flags refused with one line.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tdl } from './support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'tdl-fmt-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let count = 0;
function file(text: string): string {
  const path = join(temp, `m${count++}.tdl`);
  writeFileSync(path, text);
  return path;
}

const MESSY = '# tiny\nmodel   tiny{\n  const vocab=256,context=32 , d=16  # sizes\n\n\n  input tokens:i32[T<=context]\n  output logits=linear( embedding(tokens,vocab,d),vocab )\n}\n';
const TIDY = '# tiny\nmodel tiny {\n  const vocab = 256, context = 32, d = 16  # sizes\n\n  input tokens: i32[T <= context]\n  output logits = linear(embedding(tokens, vocab, d), vocab)\n}\n';

describe('tdl fmt', () => {
  it('prints the canonical layout, comments and a blank line kept', async () => {
    const r = await tdl('fmt', file(MESSY));
    expect(r).toEqual({ code: 0, stdout: TIDY, stderr: '' });
  });

  it('prints every file given, in order', async () => {
    const r = await tdl('fmt', file(MESSY), file(TIDY));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(TIDY + TIDY);
  });

  it('--check passes formatted files silently and lists the others, exiting 1', async () => {
    const tidy = file(TIDY);
    const messy = file(MESSY);
    expect(await tdl('fmt', '--check', tidy)).toEqual({ code: 0, stdout: '', stderr: '' });
    const r = await tdl('fmt', '--check', tidy, messy);
    expect(r).toEqual({ code: 1, stdout: `${messy}: not formatted\n`, stderr: '' });
    expect(readFileSync(messy, 'utf8')).toBe(MESSY);
  });

  it('--write rewrites files in place, leaving no temporary files, and touches nothing already formatted', async () => {
    const messy = file(MESSY);
    const r = await tdl('fmt', '--write', messy);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(messy, 'utf8')).toBe(TIDY);
    expect(readdirSync(temp).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(await tdl('fmt', '--check', messy)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses a file with syntax errors: the errors on stderr, the file unchanged, exit 1; other files still done', async () => {
    const broken = file('model m {\n  cosnt a = 1\n  x = (\n}\n');
    const messy = file(MESSY);
    const r = await tdl('fmt', '--write', broken, messy);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${broken}:2:3 error[E0110]: 'cosnt' is not a keyword; did you mean 'const'?`);
    expect(r.stderr).toContain('2 |   cosnt a = 1');
    expect(r.stderr).toContain(`${broken}:4:1 error[E0104]: expected an expression, found '}'`);
    expect(r.stderr.endsWith(`${broken}: not formatted, it has syntax errors\n`)).toBe(true);
    expect(readFileSync(broken, 'utf8')).toBe('model m {\n  cosnt a = 1\n  x = (\n}\n');
    expect(readFileSync(messy, 'utf8')).toBe(TIDY);
  });

  it('formats the repository’s models to a fixed point', async () => {
    const root = new URL('../../..', import.meta.url).pathname;
    for (const name of readdirSync(join(root, 'models')).filter((f) => f.endsWith('.tdl'))) {
      const once = await tdl('fmt', join(root, 'models', name));
      expect(once.code, name).toBe(0);
      const again = await tdl('fmt', file(once.stdout));
      expect(again.stdout, name).toBe(once.stdout);
    }
  });

  it('refuses bad usage with one line', async () => {
    expect(await tdl('fmt')).toEqual({ code: 1, stdout: '', stderr: 'tdl: error: tdl fmt needs at least one model file\n' });
    const both = await tdl('fmt', '--check', '--write', file(TIDY));
    expect(both).toEqual({ code: 1, stdout: '', stderr: 'tdl: error: --check and --write do not go together\n' });
    const missing = await tdl('fmt', join(temp, 'missing.tdl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tdl: error: cannot read .*missing\.tdl: no such file or folder\n$/);
  });

  it('lists its flags in its usage', async () => {
    const r = await tdl('fmt', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--check/);
    expect(r.stdout).toMatch(/--write/);
  });
});
