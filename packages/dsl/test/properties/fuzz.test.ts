// Parsing never throws on any input, and every span it reports lies inside that input with the right
// line and column: random text, tdl-flavoured token soup, and model files mutated at random.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MAX_SYNTAX_ERRORS, parse, renderDiagnostics } from '@tdl/dsl';
import { AstBuilder } from '../../src/ast/build.js';
import { MODEL_FILES } from '../helpers/model-files.js';
import { allSpans, spanProblems } from '../helpers/spans.js';

// parse() falls back to an empty tree if the AST builder throws on a tree broken by recovery: record
// any such throw, so the fuzzing sees it rather than the fallback hiding it.
const builderFailures: unknown[] = [];
const buildFile = AstBuilder.prototype.buildFile;
vi.spyOn(AstBuilder.prototype, 'buildFile').mockImplementation(function (this: AstBuilder, cst) {
  try {
    return buildFile.call(this, cst);
  } catch (error) {
    builderFailures.push(error);
    throw error;
  }
});

/** Parses `text` and returns every problem with the result; throws only if parsing throws. */
function problemsParsing(text: string): string[] {
  const { ast, diagnostics } = parse({ name: 'fuzz.tdl', text });
  const problems: string[] = builderFailures.splice(0).map((e) => `the AST builder threw: ${String(e)}`);
  diagnostics.forEach((d, i) => {
    problems.push(...spanProblems(d.span, text, `diagnostic ${i} (${d.code} ${d.message})`));
    d.notes.forEach((n, j) => n.span && problems.push(...spanProblems(n.span, text, `diagnostic ${i} note ${j}`)));
    if (!d.message || d.message.includes('\n')) problems.push(`diagnostic ${i}: message is not one line: ${JSON.stringify(d.message)}`);
  });
  if (diagnostics.length > MAX_SYNTAX_ERRORS + 1) problems.push(`${diagnostics.length} diagnostics, more than the cap`);
  for (const { path, span } of allSpans(ast)) problems.push(...spanProblems(span, text, path));
  renderDiagnostics(diagnostics, () => text);
  // The parser instance is reused: a second parse must not see anything of the first.
  const again = parse({ name: 'fuzz.tdl', text });
  if (JSON.stringify(again.diagnostics) !== JSON.stringify(diagnostics)) problems.push('a second parse reported differently');
  return problems;
}

const FRAGMENTS = [
  'model', 'block', 'const', 'input', 'output', 'repeat', 'as', 'if', 'then', 'else', 'return', 'checkpoint',
  'reepat', 'ouptut', 'x', 'layers', 'i', 'T', 'd', 'attention', 'f32', 'i32', '{', '}', '(', ')', '[', ']', ',', ':',
  '.', '=', '==', '!=', '<', '<=', '>', '>=', '<-', '|', '||', '&&', '!', '+', '-', '*', '/', '%', '1', '0.5', '1e-5',
  '2d', '1.2.3', '"s"', '"open', '"esc\\"', '#c', '## doc', '\n', '\n', '\n', ' ', ' ', '  ', '\t', '\r\n', '$', ';',
  'é', '\u00a0', '{i}', '(q, k, v)',
];

const tokenSoupArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(' '));
const tightSoupArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(''));

type Edit = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'replace'; at: number; length: number; text: string };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 3 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }), text: fc.constantFrom(...FRAGMENTS) }),
);

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    if (e.kind === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
    else if (e.kind === 'delete') out = out.slice(0, at) + out.slice(at + e.length);
    else out = out.slice(0, at) + e.text + out.slice(at + e.length);
  }
  return out;
}

/** Removes one whole token-like run (a word, a number, a bracket) at a random place. */
function dropToken(text: string, pick: number): string {
  const runs = [...text.matchAll(/[A-Za-z_]\w*|\d[\w.]*|[{}()[\],:=<>|+*/%!-]+|"[^"\n]*"/g)];
  if (runs.length === 0) return text;
  const m = runs[pick % runs.length]!;
  return text.slice(0, m.index) + text.slice(m.index! + m[0].length);
}

describe('parsing anything', () => {
  it('never throws on random text, and keeps every span inside it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 100, unit: 'binary' })), (text) => {
        expect(problemsParsing(text)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on tdl-flavoured token soup', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoupArb, tightSoupArb), (text) => {
        expect(problemsParsing(text)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on model files mutated by random edits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODEL_FILES), fc.array(editArb, { minLength: 1, maxLength: 6 }), (file, edits) => {
        expect(problemsParsing(applyEdits(file.text, edits))).toEqual([]);
      }),
      // Each run parses a whole model file (config sections and presets made them longer): 600 runs
      // cover every file dozens of times and keep this test near 20 s on a quiet two-core machine.
      { numRuns: 600 },
    );
  }, 120_000);

  it('never throws on model files with whole tokens removed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODEL_FILES), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (file, picks) => {
        const text = picks.reduce(dropToken, file.text);
        expect(problemsParsing(text)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('reports a too-deep nesting as a diagnostic, not a stack overflow', () => {
    for (const text of [
      `model m {\n  x = ${'('.repeat(5000)}1${')'.repeat(5000)}\n}`,
      `model m {\n  x = ${'-'.repeat(20000)}a\n}`,
      `model m {\n  x = ${'if a then '.repeat(3000)}1${' else 2'.repeat(3000)}\n}`,
      `model m {\n${'if a {\n'.repeat(3000)}${'}\n'.repeat(3000)}}`,
      '['.repeat(100000),
    ]) {
      const { diagnostics } = parse({ name: 'deep.tdl', text });
      expect(diagnostics.map((d) => d.code)).toEqual(['E0112']);
      expect(problemsParsing(text)).toEqual([]);
    }
  });
});
