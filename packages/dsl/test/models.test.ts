// Every model file in the repository parses and is in the canonical layout, and formatting is
// idempotent on it and on every example of an error in models/errors/ that is not a syntax error.
import { describe, expect, it } from 'vitest';
import { format, hasErrors } from '@tdl/dsl';
import { ALL_TDL_FILES, MODEL_FILES, SYNTAX_ERROR_FILES } from './helpers/model-files.js';
import { parseText } from './helpers/parse-text.js';
import { stripSpans } from './helpers/strip.js';

/** Files whose syntax is fine: every model, and the examples of errors found after parsing. */
const PARSING = ALL_TDL_FILES.filter((f) => !hasErrors(parseText(f.text, f.name).diagnostics));

describe('the repository’s model files', () => {
  it('all parse, but for the syntax-error examples', () => {
    const failing = ALL_TDL_FILES.filter((f) => !PARSING.includes(f)).map((f) => f.name);
    expect(failing).toEqual(SYNTAX_ERROR_FILES.map((f) => f.name));
    expect(MODEL_FILES.every((f) => PARSING.includes(f))).toBe(true);
  });

  it.each(PARSING.map((f) => [f.name, f.text]))('%s formats to a fixed point', (name, text) => {
    const { ast, diagnostics } = parseText(text, name);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const once = format(ast, text);
    const again = parseText(once, name);
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(stripSpans(again.ast.items)).toEqual(stripSpans(ast.items));
    expect(again.ast.comments.map((c) => c.text)).toEqual(ast.comments.map((c) => c.text));
    expect(format(again.ast, once)).toBe(once);
  });

  it.each(MODEL_FILES.map((f) => [f.name, f.text]))('%s is in the canonical layout (tdl fmt --check)', (name, text) => {
    expect(format(parseText(text, name).ast, text)).toBe(text);
  });

  it('include the syntax-error examples, each with a syntax error', () => {
    expect(SYNTAX_ERROR_FILES.length).toBeGreaterThanOrEqual(10);
    for (const file of SYNTAX_ERROR_FILES) expect(hasErrors(parseText(file.text, file.name).diagnostics), file.name).toBe(true);
  });
});
