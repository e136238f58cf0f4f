// Regenerates the grammar and built-in operator sections of docs/language.md from the parser and the
// compiler's registry. Run after `pnpm build`: node scripts/gen-language-reference.mjs [--check]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { grammarEbnf, parse } from '../packages/dsl/dist/index.js';
import { OPS, PRELUDE_SOURCE } from '../packages/compiler/dist/index.js';
import { ACCEPTS } from '../packages/compiler/dist/ops/op.js';
import { BUILTIN_FUNCTIONS } from '../packages/compiler/dist/lower/expressions.js';
import { ACTIVATIONS, WORDS } from '../packages/compiler/dist/lower/values.js';
import { renderGrammar, renderOperators, replaceSection } from './language-reference.mjs';

const path = new URL('../docs/language.md', import.meta.url).pathname;
const before = readFileSync(path, 'utf8');
const prelude = { source: PRELUDE_SOURCE, blocks: parse({ name: '<prelude>', text: PRELUDE_SOURCE }).ast.items };
const operators = renderOperators({
  ops: [...OPS.values()],
  kinds: Object.keys(ACCEPTS),
  prelude,
  builtins: BUILTIN_FUNCTIONS,
  words: [...WORDS],
  activations: ACTIVATIONS,
});
const after = replaceSection(replaceSection(before, 'grammar', renderGrammar(grammarEbnf())), 'operators', operators);

if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('docs/language.md is out of date: run node scripts/gen-language-reference.mjs');
    process.exitCode = 1;
  }
} else if (after !== before) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, after);
  renameSync(temp, path);
  console.log('docs/language.md: regenerated');
} else console.log('docs/language.md: up to date');
