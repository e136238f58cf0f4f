// What to tell the user about a line the parser skipped (the grammar's `junk` production), by where it stood.
import type { IToken } from 'chevrotain';
import { LABEL_NOTE } from '../syntax/errors.js';
import { describeToken } from '../syntax/messages.js';
import * as t from '../syntax/tokens.js';

/** Where a skipped line stood: at the top of the file, in a model, a block, a `repeat`/`if` body, a checkpoint section. */
export type JunkContext = 'file' | 'model' | 'block' | 'statements' | 'checkpoint' | 'config';

const EXPECTED: Record<JunkContext, string> = {
  file: "'model' or 'block'",
  model: 'a declaration or a statement',
  block: "a statement or 'return'",
  statements: 'a statement',
  checkpoint: 'a mapping rule',
  config: 'a config rule',
};

const FORMS: Record<JunkContext, string> = {
  file: 'a file holds `model name { … }` and `block name(…) { … }` declarations; constants and statements go inside them',
  model: 'a model holds `const`, `input`, `output`, `block`, `checkpoint`, `config` and `preset` declarations and the statements `name = …`, `label: repeat …` and `if …`',
  block: 'a block holds the statements `name = …`, `const …`, `if …` and `label: repeat …`, and ends with `return …`',
  statements: 'the statements are `name = …`, `const …`, `if …` and `label: repeat …`',
  checkpoint: 'a mapping rule reads `path.{i}.weight <- "tensor.{i}.name"`, optionally followed by `| transform(…)`',
  config: 'a config rule reads `constant <- "config_key"`, optionally followed by `| default(value)` or `| expect(value)`',
};

export interface JunkMessage {
  /** The token to point at. */
  readonly token: IToken;
  readonly message: string;
  readonly notes: readonly string[];
}

/** The message for a skipped line whose real tokens are `tokens`; `atLineStart` when nothing precedes it on its line. */
export function junkDiagnostic(context: JunkContext, tokens: readonly IToken[], atLineStart: boolean): JunkMessage {
  const [first, second, third] = tokens as [IToken, IToken | undefined, IToken | undefined];
  if (!atLineStart) return { token: first, message: `expected the end of the line, found ${describeToken(first)}`, notes: [] };
  if (first.tokenType === t.Return && context !== 'block') {
    return { token: first, message: "'return' ends a block, and this is not one", notes: ['a model gives its results with `output name = …`'] };
  }
  if (first.tokenType === t.Model && context !== 'file') {
    return { token: first, message: 'a model cannot be declared inside another', notes: ['declare each model at the top level of a file'] };
  }
  const notes = [FORMS[context]];
  if (context !== 'file' && context !== 'checkpoint' && context !== 'config' && first.tokenType === t.Identifier && second) {
    if (second.tokenType === t.Equals) {
      const found = third ? describeToken(third) : 'the end of the line';
      return { token: third ?? second, message: `expected an expression after '=', found ${found}`, notes: [] };
    }
    if (second.tokenType === t.LParen) {
      return {
        token: first,
        message: `a call to '${first.image}' on its own does nothing`,
        notes: [`keep its result: \`name = ${first.image}(…)\``],
      };
    }
    if (second.tokenType === t.Colon) {
      const found = third ? describeToken(third) : 'the end of the line';
      return {
        token: third ?? second,
        message: `expected 'repeat' after the label '${first.image}:', found ${found}`,
        notes: [LABEL_NOTE],
      };
    }
    return { token: second, message: `expected '=' after '${first.image}', found ${describeToken(second)}`, notes: [] };
  }
  return { token: first, message: `expected ${EXPECTED[context]}, found ${describeToken(first)}`, notes };
}
