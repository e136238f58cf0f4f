// Every whole-model example of docs/language.md (```tdl blocks) compiles without errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../src/index.js';

const DOC = readFileSync(new URL('../../../docs/language.md', import.meta.url), 'utf8');
const MODELS = [...DOC.matchAll(/^```tdl\n([\s\S]*?)^```$/gm)].map((m) => [DOC.slice(0, m.index).split('\n').length, m[1]!] as const);

describe('the model examples of docs/language.md', () => {
  it('are there', () => {
    expect(MODELS.length).toBeGreaterThanOrEqual(10);
  });

  it.each(MODELS)('the model at line %i compiles', (line, text) => {
    const result = checkSource({ name: `language.md:${line}`, text });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
