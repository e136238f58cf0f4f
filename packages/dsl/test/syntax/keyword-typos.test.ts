// Misspelt keywords are read as the keyword they resemble, wherever a keyword must stand, and nowhere else.
import { describe, expect, it } from 'vitest';
import { fixKeywordTypos } from '../../src/syntax/keyword-typos.js';
import { keepTerminators } from '../../src/syntax/terminators.js';
import { tdlLexer } from '../../src/syntax/tokens.js';

function fixes(text: string): string[] {
  const tokens = keepTerminators(tdlLexer.tokenize(text).tokens);
  return fixKeywordTypos(tokens).map((f) => `${f.token.image}->${f.keyword}${f.resembles ? '' : '?'}`);
}

describe('misspelt keywords', () => {
  it('are read as keywords at the start of a declaration or statement', () => {
    expect(fixes('modle m {\n  cosnt a = 1\n  inptu t: i32[T]\n  ouptut o = t\n  chekpoint c {\n  }\n}')).toEqual([
      'modle->model',
      'cosnt->const',
      'inptu->input',
      'ouptut->output',
      'chekpoint->checkpoint',
    ]);
    expect(fixes('model m {\n  reepat 2 as i {\n    iff i > 0 {\n    }\n  }\n}\nblokc f(x) {\n  retrun x\n}')).toEqual([
      'reepat->repeat',
      'iff->if',
      'blokc->block',
      'retrun->return',
    ]);
  });

  it('after a label, in the middle of a statement, and after a closing brace', () => {
    expect(fixes('model m {\n  h: reepat n sa i {\n  }\n  x = if a thne b esle c\n  if a {\n  } esle {\n  }\n}')).toEqual([
      'reepat->repeat',
      'sa->as',
      'thne->then',
      'esle->else',
      'esle->else',
    ]);
  });

  it('read any name in place of `model` at the top level as `model`', () => {
    expect(fixes('transformer t {\n}')).toEqual(['transformer->model?']);
  });

  it('leave names alone where names belong', () => {
    expect(fixes('model m {\n  iff = 1\n  reepat: repeat 2 as sa {\n    ouptut = iff + sa\n  }\n  x = f(cosnt, thne = esle)\n}')).toEqual([]);
  });
});
