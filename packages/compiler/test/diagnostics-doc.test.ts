// docs/diagnostics.md and the registry agree: every code has an entry with its title and severity,
// every entry a code, and every example renders exactly the text under it (UPDATE_GOLDENS=1 rewrites).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIAGNOSTICS, isDiagnosticCode, renderDiagnostics } from '@tdl/dsl';
import { checkSource } from '../src/index.js';
import { ROOT } from './models.js';

const DOC = join(ROOT, 'docs/diagnostics.md');

interface Entry {
  readonly code: string;
  readonly title: string;
  readonly body: string[];
  /** Line indices of the example's source and of its rendered text block (contents, without fences). */
  readonly source?: { from: number; to: number };
  readonly rendered?: { from: number; to: number };
}

function parseDoc(lines: readonly string[]): Entry[] {
  const entries: Entry[] = [];
  let current: { code: string; title: string; body: string[]; source?: { from: number; to: number }; rendered?: { from: number; to: number } } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const heading = /^### (\w+): (.*)$/.exec(lines[i]!);
    if (heading) {
      current = { code: heading[1]!, title: heading[2]!, body: [] };
      entries.push(current);
      continue;
    }
    if (/^#{1,2} /.test(lines[i]!)) current = undefined;
    if (!current) continue;
    current.body.push(lines[i]!);
    const fence = /^```(tdl|text)$/.exec(lines[i]!);
    if (!fence) continue;
    const from = i + 1;
    let to = from;
    while (to < lines.length && lines[to] !== '```') to++;
    if (fence[1] === 'tdl' && !current.source) current.source = { from, to };
    else if (fence[1] === 'text' && current.source && !current.rendered) current.rendered = { from, to };
    i = to;
  }
  return entries;
}

/** What `tdl check example.tdl` prints for one code (a `# set:` first line gives --set overrides). */
function renderExample(source: string, code: string): string {
  const name = 'example.tdl';
  const set = /^# set: (.*)$/m.exec(source);
  const overrides = set ? Object.fromEntries(set[1]!.trim().split(/\s+/).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])])) : {};
  const result = checkSource({ name, text: source + '\n' }, { overrides });
  const mine = result.diagnostics.filter((d) => d.code === code);
  return renderDiagnostics(mine, (n) => (n === name ? source + '\n' : undefined));
}

const lines = readFileSync(DOC, 'utf8').split('\n');
const entries = parseDoc(lines);

describe('docs/diagnostics.md', () => {
  it('has one entry per registry code, under its title and severity, and none besides', () => {
    const documented = entries.map((e) => e.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(DIAGNOSTICS).sort());
    for (const e of entries) {
      expect(isDiagnosticCode(e.code)).toBe(true);
      if (!isDiagnosticCode(e.code)) continue;
      expect(e.title, e.code).toBe(DIAGNOSTICS[e.code].title);
      const severity = DIAGNOSTICS[e.code].severity;
      expect(e.body.find((l) => l.trim() !== '')?.startsWith(severity === 'error' ? 'Error.' : 'Warning.'), e.code).toBe(true);
    }
  });

  it('gives every entry an example, or says why there is none', () => {
    for (const e of entries) {
      if (e.source) expect(e.rendered, `${e.code} has a tdl example but no text block under it`).toBeDefined();
      else expect(e.body.some((l) => l.startsWith('No example:')), `${e.code} has neither an example nor a reason`).toBe(true);
    }
  });

  const examples = entries.filter((e) => e.source && e.rendered);
  it.each(examples.map((e) => [e.code, e] as const))('%s: the example renders the text under it', (code, entry) => {
    const source = lines.slice(entry.source!.from, entry.source!.to).join('\n');
    const actual = renderExample(source, code);
    expect(actual, `the example of ${code} does not report ${code}`).toContain(`[${code}]`);
    const expected = lines.slice(entry.rendered!.from, entry.rendered!.to).join('\n');
    if (process.env['UPDATE_GOLDENS']) rewrite.set(entry.rendered!.from, { to: entry.rendered!.to, text: actual });
    else expect(actual).toBe(expected);
  });
});

/** Rendered blocks to replace, by first line, when UPDATE_GOLDENS is set; written once all examples ran. */
const rewrite = new Map<number, { to: number; text: string }>();
afterAll(() => {
  if (rewrite.size === 0) return;
  {
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const r = rewrite.get(i);
      if (!r) {
        out.push(lines[i]!);
        continue;
      }
      // Replace lines from … to - 1 (none for an empty block); line `to` is the closing fence.
      out.push(...r.text.split('\n'), lines[r.to]!);
      i = r.to;
    }
    writeFileSync(DOC, out.join('\n'));
  }
});
