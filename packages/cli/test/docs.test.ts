// The docs say only what is true of the CLI: every `tdl …` command line in a Markdown file uses a
// command and flags that the CLI accepts, and no page points at this project's issue tracker, whose
// numbers mean nothing to a reader of the repository.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const PAGES = execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((p) => p !== '' && !p.includes('node_modules'));

/** Each `tdl …` invocation in a page: in fenced code (one per line) and in inline code spans. */
export function commandLines(markdown: string): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      const m = /^\s*(?:\$\s+)?(?:npx -y pnpm@[\d.]+ |pnpm )?(tdl\s.*)$/.exec(line);
      if (m) found.push(m[1]!.replace(/\s+#.*$/, ''));
      continue;
    }
    for (const span of line.matchAll(/`(?:npx -y pnpm@[\d.]+ |pnpm )?(tdl\s[^`]*)`/g)) found.push(span[1]!);
  }
  return found;
}

/** The problems with one invocation: an unknown command, or flags its command does not take. */
export function problemsOf(line: string): string[] {
  const words = line.split(/\s+/).filter((w) => w !== '');
  const name = words[1];
  // `tdl --help`, `tdl COMMAND`, `tdl …`, `tdl run/logits`: not one command's invocation.
  if (!name || !/^[a-z][a-z-]*$/.test(name)) return [];
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) return [`'${line}': no command '${name}'`];
  const flags = new Set([...command.spec.flags.map((f) => f.name), 'help']);
  return words
    .filter((w) => /^--[a-z]/.test(w))
    .map((w) => w.slice(2).split('=')[0]!.replace(/[^a-z0-9-]+$/, ''))
    .filter((f) => !flags.has(f))
    .map((f) => `'${line}': tdl ${name} has no flag --${f}`);
}

/** Inline code that is a flag on its own (`--weights`, `--set layers=2`), anywhere in prose. */
export function inlineFlags(markdown: string): string[] {
  return [...markdown.matchAll(/`--([a-z][a-z0-9-]*)[^`]*`/g)].map((m) => m[1]!);
}

/** Pages whose bare flags are tdl's: bench/ documents the benchmark scripts' own flags. */
const CLI_PAGES = PAGES.filter((p) => !p.startsWith('bench/'));
const EVERY_FLAG = new Set(['help', ...COMMANDS.flatMap((c) => c.spec.flags.map((f) => f.name))]);

describe('docs', () => {
  it('finds the pages', () => {
    expect(PAGES).toContain('README.md');
    expect(PAGES).toContain('docs/language.md');
  });

  it('use only commands and flags the CLI accepts', () => {
    const problems = PAGES.flatMap((page) => commandLines(readFileSync(join(ROOT, page), 'utf8')).flatMap((l) => problemsOf(l).map((p) => `${page}: ${p}`)));
    expect(problems).toEqual([]);
  });

  it('name only flags that some command takes', () => {
    const unknown = CLI_PAGES.flatMap((page) => inlineFlags(readFileSync(join(ROOT, page), 'utf8')).filter((f) => !EVERY_FLAG.has(f)).map((f) => `${page}: --${f}`));
    expect(unknown).toEqual([]);
  });

  it('point at no issue numbers or issues', () => {
    const hits = PAGES.flatMap((page) =>
      readFileSync(join(ROOT, page), 'utf8')
        .split('\n')
        .map((text, i) => ({ text, line: i + 1 }))
        .filter(({ text }) => /(^|[\s(])#\d+\b|\bissues?\b|\bissue's\b/i.test(text))
        .map(({ text, line }) => `${page}:${line}: ${text.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  it('would catch a wrong flag and an issue reference', () => {
    expect(problemsOf('tdl fmt models/gpt2.tdl --set layers=2')).toEqual(["'tdl fmt models/gpt2.tdl --set layers=2': tdl fmt has no flag --set"]);
    expect(problemsOf('tdl run models/gpt2.tdl --max-tokens 4')).toEqual([]);
    expect(problemsOf('tdl launch models/gpt2.tdl')).toEqual(["'tdl launch models/gpt2.tdl': no command 'launch'"]);
    expect(inlineFlags('keep `--f16` or `--set layers=2`')).toEqual(['f16', 'set']);
    expect(commandLines('say `tdl info x.tdl --json` and\n```sh\n$ tdl check a.tdl   # comment --no\n```\n')).toEqual(['tdl info x.tdl --json', 'tdl check a.tdl']);
  });
});
