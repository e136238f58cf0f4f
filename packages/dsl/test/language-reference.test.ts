// docs/language.md documents the parser exactly: its grammar section is the parser's own, its keyword
// list is the lexer's, and every tdl example parses (or, when it shows a mistake, fails) as it says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORD_NAMES, grammarEbnf, renderDiagnostics } from '@tdl/dsl';
// @ts-expect-error: a plain JavaScript module without declarations
import { renderGrammar, sectionOf } from '../../../scripts/language-reference.mjs';
import type { TokenType } from 'chevrotain';
import { CONTINUES_AFTER, CONTINUES_BEFORE } from '../src/syntax/terminators.js';
import { Newline } from '../src/syntax/tokens.js';
import { TDL_INFO, codeBlocks } from './helpers/doc-examples.js';
import { ROOT } from './helpers/model-files.js';
import { parseText } from './helpers/parse-text.js';

const DOC = readFileSync(join(ROOT, 'docs/language.md'), 'utf8');
const BLOCKS = codeBlocks(DOC);
const KNOWN = new Set<string>([...Object.values(TDL_INFO), 'text', 'ebnf', 'sh']);

describe('docs/language.md', () => {
  it('shows the grammar the parser has (run node scripts/gen-language-reference.mjs after changing it)', () => {
    expect(sectionOf(DOC, 'grammar')).toBe(renderGrammar(grammarEbnf()));
  });

  it('lists the keywords the lexer has', () => {
    const listed = BLOCKS.find((b) => b.info === 'text' && b.text.includes('checkpoint') && !b.text.includes('error'));
    expect(listed?.text.trim().split(/\s+/)).toEqual([...KEYWORD_NAMES]);
  });

  it('lists exactly the tokens a line continues after and before', () => {
    const listed = (where: string) => {
      const m = new RegExp(`^- ${where} one of \`([^\`]+)\`[;.]$`, 'm').exec(DOC);
      return new Set(m?.[1]!.split(' '));
    };
    const words = (types: Iterable<TokenType>) => new Set([...types].filter((t) => t !== Newline).map((t) => t.LABEL!.replace(/^'|'$/g, '')));
    expect(listed('after')).toEqual(words(CONTINUES_AFTER));
    expect(listed('before')).toEqual(words(CONTINUES_BEFORE));
  });

  it('labels every code block with a known kind', () => {
    expect(BLOCKS.filter((b) => !KNOWN.has(b.info)).map((b) => `line ${b.line}: \`\`\`${b.info}`)).toEqual([]);
    expect(BLOCKS.filter((b) => b.info === TDL_INFO.model).length).toBeGreaterThanOrEqual(10);
  });

  it.each(BLOCKS.filter((b) => b.info === TDL_INFO.model || b.info === TDL_INFO.syntax).map((b) => [b.line, b.info, b.text]))(
    'the example at line %i (%s) parses without errors',
    (_line, _info, text) => {
      expect(parseText(text as string, 'example.tdl').diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`)).toEqual([]);
    },
  );

  it('shows real messages for its example of mistakes', () => {
    const errors = BLOCKS.filter((b) => b.info === TDL_INFO.error);
    expect(errors.length).toBeGreaterThan(0);
    for (const block of errors) {
      const next = BLOCKS[BLOCKS.indexOf(block) + 1];
      const file = next?.info === 'text' ? /^(\S+\.tdl):/.exec(next.text)?.[1] : undefined;
      const { diagnostics } = parseText(block.text, file ?? 'example.tdl');
      expect(diagnostics.length, `line ${block.line}`).toBeGreaterThan(0);
      if (file) expect(renderDiagnostics(diagnostics, () => block.text) + '\n').toBe(next!.text);
    }
  });
});
