// Plan expressions evaluate as integer arithmetic over the symbols, and anything else is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../src/expr.js';

const at = { R: 7, past: 11, S: 3, tail: 1 };

describe('plan expressions', () => {
  it('evaluates numbers, symbols, + - *, parentheses and the functions', () => {
    expect(compileExpr('R')(at)).toBe(7);
    expect(compileExpr('past + R')(at)).toBe(18);
    expect(compileExpr('past + R - tail')(at)).toBe(17);
    expect(compileExpr('(R - tail) * 768')(at)).toBe(6 * 768);
    expect(compileExpr('R - tail * 768')(at)).toBe(7 - 768);
    expect(compileExpr('ceildiv(R * 768, 256)')(at)).toBe(21);
    expect(compileExpr('ceildiv(S * 5, 64)')(at)).toBe(1);
    expect(compileExpr('min(R, 4) + max(S, 10)')(at)).toBe(14);
    expect(compileExpr('  42 ')(at)).toBe(42);
  });

  it('agrees with JavaScript on random sums and products', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('+', '-', '*'), fc.constantFrom('R', 'past', 'S', 'tail', '3', '17')), { minLength: 1, maxLength: 6 }), (terms) => {
        const text = ['R', ...terms.flat()].join(' ');
        const js = text.replace(/\b(R|past|S|tail)\b/g, (s) => `at.${s}`);
        // eslint-disable-next-line no-new-func
        expect(compileExpr(text)(at)).toBe(new Function('at', `return ${js}`)(at));
      }),
    );
  });

  it('refuses what the compiler never writes', () => {
    for (const bad of ['', 'R +', 'x', 'ceildiv(R)', 'R / 2', '(R', 'R)', 'sqrt(R, 2)', 'R; process.exit()', '1e3']) {
      expect(() => compileExpr(bad), bad).toThrow(/invalid plan expression/);
    }
  });
});
