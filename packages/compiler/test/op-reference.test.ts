// The operator section of docs/language.md is what the registry says: every operator with its
// arguments, defaults and shapes, the prelude blocks, the numeric functions and the words.
// After changing any of them: npx -y pnpm@12.4.2 build && node scripts/gen-language-reference.mjs
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '@tdl/dsl';
// @ts-expect-error: a plain JavaScript module without declarations
import { renderOperators, sectionOf } from '../../../scripts/language-reference.mjs';
import { OPS, PRELUDE_SOURCE } from '../src/index.js';
import { BUILTIN_FUNCTIONS } from '../src/lower/expressions.js';
import { ACTIVATIONS, WORDS } from '../src/lower/values.js';
import { ACCEPTS } from '../src/ops/op.js';

const DOC = readFileSync(new URL('../../../docs/language.md', import.meta.url), 'utf8');

function render(): string {
  return renderOperators({
    ops: [...OPS.values()],
    kinds: Object.keys(ACCEPTS),
    prelude: { source: PRELUDE_SOURCE, blocks: parse({ name: '<prelude>', text: PRELUDE_SOURCE }).ast.items },
    builtins: BUILTIN_FUNCTIONS,
    words: [...WORDS],
    activations: ACTIVATIONS,
  });
}

describe('the operator reference in docs/language.md', () => {
  it('is up to date with the registry', () => {
    expect(sectionOf(DOC, 'operators')).toBe(render());
  });

  it('documents every operator, argument, default and shape', () => {
    const section: string = sectionOf(DOC, 'operators');
    for (const op of OPS.values()) {
      expect(section).toContain(`### \`${op.name}\``);
      expect(section).toContain(op.shapes);
      for (const a of op.args) expect(section).toContain(`| \`${a.name}\` | ${a.kind} | ${a.default === undefined ? 'required' : `\`${a.default}\``} |`);
    }
  });

  it('refuses to render an argument kind, built-in or word it has no words for', () => {
    expect(() => renderOperators({ ops: [], kinds: ['quaternion'], prelude: { source: '', blocks: [] }, builtins: [], words: [], activations: [] })).toThrow(
      /argument kind 'quaternion'/,
    );
    expect(() => renderOperators({ ops: [], kinds: [], prelude: { source: '', blocks: [] }, builtins: ['erf'], words: [], activations: [] })).toThrow(/built-in 'erf'/);
    expect(() => renderOperators({ ops: [], kinds: [], prelude: { source: '', blocks: [] }, builtins: [], words: ['swish'], activations: [] })).toThrow(/word 'swish'/);
  });
});
