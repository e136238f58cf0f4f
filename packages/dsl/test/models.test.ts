// Every model file in the repository parses, and formatting is idempotent on it; so are the syntax-error
// examples that still parse far enough to format.
import { describe, expect, it } from 'vitest';
import { format, hasErrors } from '@tdl/dsl';
import { MODEL_FILES, SYNTAX_ERROR_FILES } from './helpers/model-files.js';
import { parseText } from './helpers/parse-text.js';
import { stripSpans } from './helpers/strip.js';

describe('the repository’s model files', () => {
  it.each(MODEL_FILES.map((f) => [f.name, f.text]))('%s parses and formats to a fixed point', (name, text) => {
    const { ast, diagnostics } = parseText(text, name);
    expect(diagnostics).toEqual([]);
    const once = format(ast, text);
    const again = parseText(once, name);
    expect(again.diagnostics).toEqual([]);
    expect(stripSpans(again.ast.items)).toEqual(stripSpans(ast.items));
    expect(again.ast.comments.map((c) => c.text)).toEqual(ast.comments.map((c) => c.text));
    expect(format(again.ast, once)).toBe(once);
  });

  it('include the syntax-error examples, each with a syntax error', () => {
    expect(SYNTAX_ERROR_FILES.length).toBeGreaterThanOrEqual(10);
    for (const file of SYNTAX_ERROR_FILES) expect(hasErrors(parseText(file.text, file.name).diagnostics), file.name).toBe(true);
  });
});
