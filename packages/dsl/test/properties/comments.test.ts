// Generated source text with comments added anywhere a line may hold one: the AST is unchanged, the
// formatter keeps every comment, and formatting its own output changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, parse } from '@tdl/dsl';
import { fileArb } from '../helpers/arbitraries.js';
import { stripSpans } from '../helpers/strip.js';

/** Where to put a comment on each line: nowhere, at its end, or on a line of its own above it. */
type Placement = 'none' | 'trailing' | 'above';

const commentTextArb = fc.string({ maxLength: 10 }).map((s) => ('# ' + s.replace(/[\n\r]/g, ' ')).trimEnd());

/** Adds comments to `text`; never next to a doc comment, which a comment would detach or extend. */
function withComments(text: string, placements: readonly Placement[], comments: readonly string[]): { text: string; added: string[] } {
  const lines = text.split('\n');
  const out: string[] = [];
  const added: string[] = [];
  lines.forEach((line, i) => {
    const placement = placements[i % placements.length]!;
    const comment = comments[i % comments.length]!;
    const docHere = line.trimStart().startsWith('##');
    const docAbove = i > 0 && lines[i - 1]!.trimStart().startsWith('##');
    if (placement === 'above' && !docAbove && !docHere) {
      out.push(/^\s*/.exec(line)![0] + comment);
      added.push(comment);
    }
    if (placement === 'trailing' && !docHere && line.trim() !== '') {
      out.push(`${line}  ${comment}`);
      added.push(comment);
    } else out.push(line);
  });
  return { text: out.join('\n'), added };
}

describe('comments in generated source', () => {
  it('leave the AST alone, all survive formatting, and formatting is then a fixed point', () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.array(fc.constantFrom<Placement>('none', 'none', 'trailing', 'above'), { minLength: 1, maxLength: 7 }),
        fc.array(commentTextArb, { minLength: 1, maxLength: 5 }),
        (ast, placements, comments) => {
          const { text, added } = withComments(format(ast), placements, comments);
          const parsed = parse({ name: 'commented.tdl', text });
          expect(parsed.diagnostics).toEqual([]);
          expect(stripSpans(parsed.ast.items)).toEqual(stripSpans(ast.items));
          expect(parsed.ast.comments.map((c) => c.text.trimEnd()).sort()).toEqual([...added].sort());

          const once = format(parsed.ast, text);
          const kept = parse({ name: 'once.tdl', text: once });
          expect(kept.diagnostics).toEqual([]);
          expect(kept.ast.comments.map((c) => c.text.trimEnd()).sort()).toEqual([...added].sort());
          expect(stripSpans(kept.ast.items)).toEqual(stripSpans(ast.items));
          expect(format(kept.ast, once)).toBe(once);
        },
      ),
      { numRuns: 300 },
    );
  });
});
