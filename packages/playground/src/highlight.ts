// Colours for tdl in CodeMirror: a small stream tokenizer over the lexer's keywords, comments,
// numbers, strings and labels (the TextMate grammar in editors/ does the same for other editors).
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import { KEYWORD_NAMES } from '@tdl/dsl';

const KEYWORDS = new Set(KEYWORD_NAMES);

const parser: StreamParser<null> = {
  startState: () => null,
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match('##')) {
      stream.skipToEnd();
      return 'docComment';
    }
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^\d+(?:\.\d+)?(?:e[-+]?\d+)?/i)) return 'number';
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word) {
      if (KEYWORDS.has(word[0])) return 'keyword';
      if (stream.match(/^\s*:(?!:)/, false) && !stream.match(/^\s*:\s*[if]32\b/, false)) return 'labelName';
      if (stream.match(/^\s*\(/, false)) return 'function';
      return 'variableName';
    }
    stream.next();
    return 'operator';
  },
};

export const tdlLanguage = StreamLanguage.define(parser);
