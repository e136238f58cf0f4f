// The editor's diagnostics are the CLI's: for every ill-formed model, each headline of its golden
// `tdl check` output (place, severity, code, message) appears among the service's diagnostics.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnostics } from '../src/index.js';
import { lineColumn, openModel, ROOT } from './helpers.js';

const HEADLINE = /^(\S+\.tdl):(\d+):(\d+) (error|warning)\[(\w+)\]: (.*)$/;
const files = readdirSync(join(ROOT, 'models/errors')).filter((f) => f.endsWith('.tdl'));

describe('diagnostics', () => {
  it('finds the ill-formed models', () => expect(files.length).toBeGreaterThan(20));
  for (const file of files) {
    it(file, () => {
      // A golden's first line may give the `--set` overrides it was made with (`# set: context=2048`).
      const text = readFileSync(join(ROOT, 'models/errors', file), 'utf8');
      const sets = /^# set: (.*)/.exec(text)?.[1]?.split(/\s+/).map((kv) => kv.split('=')) ?? [];
      const doc = openModel(`models/errors/${file}`, Object.fromEntries(sets.map(([k, v]) => [k!, Number(v)])));
      const golden = readFileSync(join(ROOT, 'models/errors', file.replace(/\.tdl$/, '.errors.txt')), 'utf8');
      const expected = golden.split('\n').flatMap((l) => {
        const m = HEADLINE.exec(l);
        return m && m[1] === `models/errors/${file}` ? [`${m[2]}:${m[3]} ${m[4]} ${m[5]} ${m[6]}`] : [];
      });
      expect(expected.length).toBeGreaterThan(0);
      const got = diagnostics(doc).map((d) => {
        const { line, column } = lineColumn(doc.text, d.range.from);
        return `${line}:${column} ${d.severity} ${d.code} ${d.message.split('\n')[0]}`;
      });
      expect(got).toEqual(expect.arrayContaining(expected));
    });
  }

  it('carries the caret label and the notes that point elsewhere', () => {
    const doc = openModel('models/errors/shape-residual-width.tdl');
    const [d] = diagnostics(doc);
    expect(d!.message).toBe("'+' combines tensors of different widths\nthis has width 256 (from up: linear(…)), the left side 64 (from x)");
    expect(doc.text.slice(d!.range.from, d!.range.to)).toBe('up: linear(ln_2: layer_norm(x), d_ff)');
  });
});
