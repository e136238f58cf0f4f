// The grammar itself passes chevrotain's checks (no ambiguity it does not know of, no left recursion);
// the shared parser skips them to start quickly.
import { describe, expect, it } from 'vitest';
import { Lexer } from 'chevrotain';
import { TdlParser } from '../../src/syntax/parser.js';
import { ALL_TOKENS, lexerConfig } from '../../src/syntax/tokens.js';

describe('the grammar', () => {
  it('builds with chevrotain’s validations on', () => {
    // performSelfAnalysis throws, listing them, when the grammar has definition errors.
    expect(() => new TdlParser(true)).not.toThrow();
  });

  it('has token definitions the lexer validates', () => {
    const lexer = new Lexer(ALL_TOKENS, lexerConfig(true));
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });
});
