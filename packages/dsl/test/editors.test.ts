// The TextMate grammar in editors/ colours what the lexer reads: every keyword, number, string and
// comment of the repository's model files gets the scope for its kind, and the keyword lists are the lexer's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORD_NAMES } from '@tdl/dsl';
import { KEYWORDS, tdlLexer } from '../src/syntax/tokens.js';
import { ALL_TDL_FILES, ROOT } from './helpers/model-files.js';
import { scopesAt, tokenizeLine, type Grammar, type GrammarRule } from './helpers/textmate.js';

const GRAMMAR = JSON.parse(readFileSync(join(ROOT, 'editors/tdl.tmLanguage.json'), 'utf8')) as Grammar & { scopeName: string; fileTypes: string[] };

function allRules(rules: readonly GrammarRule[]): GrammarRule[] {
  return rules.flatMap((r) => [r, ...allRules(r.patterns ?? [])]);
}

/** What scope each kind of token must get, by the start of its name. */
function expectedScope(tokenType: string, image: string): string | undefined {
  if (KEYWORDS.some((k) => k.name === tokenType)) return /^(model|block|const|input|output|checkpoint|config|preset|claim)$/.test(image) ? 'storage.type' : 'keyword.control';
  if (tokenType === 'IntegerLiteral' || tokenType === 'FloatLiteral') return 'constant.numeric';
  if (tokenType === 'StringLiteral') return 'string.quoted';
  if (tokenType === 'DocComment') return 'comment.line.documentation';
  if (tokenType === 'Comment') return 'comment.line.number-sign';
  return undefined;
}

function problems(name: string, text: string): string[] {
  const lines = text.split('\n');
  const pieces = lines.map((line) => tokenizeLine(line, GRAMMAR));
  const lexed = tdlLexer.tokenize(text);
  const out: string[] = [];
  for (const tok of [...lexed.tokens, ...(lexed.groups['comments'] ?? [])]) {
    const want = expectedScope(tok.tokenType.name, tok.image);
    const line = tok.startLine! - 1;
    const scopes = scopesAt(pieces[line]!, tok.startColumn! - 1);
    const innermost = scopes[scopes.length - 1] ?? '(none)';
    if (want && !innermost.startsWith(want) && !(want === 'constant.numeric' && scopes.some((s) => s.startsWith('comment') || s.startsWith('string')))) {
      out.push(`${name}:${tok.startLine}:${tok.startColumn} '${tok.image}' is ${innermost}, expected ${want}`);
    }
    if (!want && tok.tokenType.name === 'Identifier' && /^(storage|keyword)/.test(innermost)) {
      out.push(`${name}:${tok.startLine}:${tok.startColumn} the name '${tok.image}' is coloured as ${innermost}`);
    }
  }
  return out;
}

describe('the TextMate grammar', () => {
  it('is for .tdl files', () => {
    expect(GRAMMAR.scopeName).toBe('source.tdl');
    expect(GRAMMAR.fileTypes).toEqual(['tdl']);
  });

  it('colours exactly the lexer’s keywords as keywords', () => {
    const words = allRules(Object.values(GRAMMAR.repository))
      .filter((r) => r.name && /^(storage\.type|keyword\.control)\./.test(r.name) && r.match)
      .flatMap((r) => /^\\b\(\?:([a-z|]+)\)\\b$/.exec(r.match!)?.[1]!.split('|') ?? []);
    expect(words.sort()).toEqual([...KEYWORD_NAMES].sort());
  });

  it('colours every keyword, number, string and comment of the model files for what it is', () => {
    expect(ALL_TDL_FILES.flatMap((f) => problems(f.name, f.text))).toEqual([]);
  });

  it('colours the parts of a line: declarations, labels, calls, placeholders, escapes', () => {
    const line = '  h.{i}.w <- "a\\"{i}" | split(0)  # note';
    const pieces = tokenizeLine(line, GRAMMAR);
    const at = (s: string) => scopesAt(pieces, line.indexOf(s)).pop();
    expect(at('{i}.w')).toBe('variable.parameter.placeholder.tdl');
    expect(at('<-')).toBe('keyword.operator.arrow.tdl');
    expect(at('\\"')).toBe('constant.character.escape.tdl');
    expect(at('{i}"')).toBe('variable.parameter.placeholder.tdl');
    expect(at('split')).toBe('entity.name.function.call.tdl');
    expect(at('# note')).toBe('comment.line.number-sign.tdl');
    const decl = 'input tokens: i32[T <= context]';
    const d = tokenizeLine(decl, GRAMMAR);
    expect(scopesAt(d, decl.indexOf('tokens')).pop()).toBe('variable.other.declaration.tdl');
    expect(scopesAt(d, decl.indexOf('i32')).pop()).toBe('support.type.tdl');
    const label = 'x = attn: attention(x)';
    expect(scopesAt(tokenizeLine(label, GRAMMAR), label.indexOf('attn')).pop()).toBe('entity.name.label.tdl');
  });

  it('comes with a language configuration that comments with #', () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'editors/language-configuration.json'), 'utf8'));
    expect(config.comments.lineComment).toBe('#');
  });
});
