// The generated parts of docs/language.md: the grammar (from the parser) and the built-in operators,
// prelude blocks, numeric functions and words (from the compiler). Pure functions of their inputs, so
// the generator script and the tests that keep the page up to date print exactly the same text.

/** The marker comments around a generated section. */
export function markers(name) {
  return {
    begin: `<!-- BEGIN GENERATED ${name}: node scripts/gen-language-reference.mjs -->`,
    end: `<!-- END GENERATED ${name} -->`,
  };
}

/** The text between a section's markers (without them), or undefined if the page lacks them. */
export function sectionOf(doc, name) {
  const { begin, end } = markers(name);
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return doc.slice(from + begin.length, to).replace(/^\n/, '').replace(/\n$/, '');
}

/** `doc` with a section's text replaced; throws if the markers are missing. */
export function replaceSection(doc, name, body) {
  const { begin, end } = markers(name);
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/language.md has no ${begin} … ${end} markers`);
  return doc.slice(0, from + begin.length) + '\n' + body + '\n' + doc.slice(to);
}

/** The grammar section: the EBNF the parser prints of itself. */
export function renderGrammar(ebnf) {
  return '```ebnf\n' + ebnf + '\n```';
}

/** What each kind of argument accepts, in words. */
const KIND_DOCS = {
  tensor: 'a tensor value',
  int: 'a whole number (a constant expression)',
  number: 'a number (a constant expression)',
  bool: '`true` or `false`',
  dim: 'a length symbol such as `T`, a number, or a tensor (its first dimension)',
  mask: '`causal`, `sliding(w)` or `none`',
  position: '`rope(…)`, `alibi` or `none`',
  activation: 'the name of an activation function',
  layout: '`half` or `interleaved`',
  qk_norm: '`head` (each head\'s channels), `all` (the whole projection) or `none`',
  string: 'a string in double quotes',
  numbers: 'a list of numbers, `[1, 1.25, …]` (a constant may hold one)',
  label: "the label of another call, naming its parameters (`tied = wte`), or `none`",
};

/** The numeric built-ins, folded while compiling. */
const BUILTIN_DOCS = {
  sqrt: ['sqrt(x)', 'square root'],
  exp: ['exp(x)', 'e to the power x'],
  log: ['log(x)', 'natural logarithm'],
  abs: ['abs(x)', 'absolute value'],
  floor: ['floor(x)', 'largest integer ≤ x (an integer)'],
  ceil: ['ceil(x)', 'smallest integer ≥ x (an integer)'],
  pow: ['pow(x, y)', 'x to the power y'],
  min: ['min(x, y)', 'the smaller of two numbers'],
  max: ['max(x, y)', 'the larger of two numbers'],
  width: ['width(t)', 'the size of the last dimension of tensor `t` (for blocks: `linear(h, width(x))`)'],
};

/** Words that mean something to an operator, resolved after local names and constants. */
const WORD_DOCS = {
  true: 'boolean true',
  false: 'boolean false',
  causal: 'the causal mask (`attention(mask = …)`)',
  none: 'no mask, or no position encoding',
  alibi: 'ALiBi position biases (`attention(pos = alibi)`)',
  half: 'the rotate-half rotary layout (`rope(layout = half)`)',
  interleaved: 'the interleaved rotary layout (`rope(layout = interleaved)`)',
  head: 'qk-norm over each head\'s channels (`attention(qk_norm = head)`)',
  all: 'qk-norm over the whole projection (`attention(qk_norm = all)`)',
};

function code(s) {
  return '`' + s + '`';
}

/** Table cells may not hold `|` or line breaks. */
function cell(s) {
  return String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function renderOp(op) {
  const lines = [`### ${code(op.name)}`, '', op.summary, ''];
  lines.push(`${code(`${op.name}(${op.args.map((a) => a.name).join(', ')})`)} — shapes: ${code(op.shapes)}`, '');
  lines.push('| argument | kind | default | meaning |', '| --- | --- | --- | --- |');
  for (const a of op.args) {
    lines.push(`| ${code(a.name)} | ${a.kind} | ${a.default === undefined ? 'required' : code(a.default)} | ${cell(a.doc)} |`);
  }
  return lines.join('\n');
}

function renderBlock(block, source) {
  const text = (span) => source.slice(span.offset, span.offset + span.length);
  const params = block.params.map((p) => (p.default ? `${p.name.name} = ${text(p.default.span)}` : p.name.name));
  const lines = [`### ${code(block.name.name)}`, '', block.doc ?? '', '', '```tdl-syntax', text(block.span), '```', ''];
  lines.push(`${code(`${block.name.name}(${params.join(', ')})`)}: its arguments are bound like an operator's, positionally or by name.`);
  return lines.join('\n');
}

/**
 * The operators section: every operator of the registry with its arguments, the argument kinds, the
 * prelude blocks, the numeric built-ins and the words. Throws when something lacks a description here.
 */
export function renderOperators({ ops, kinds, prelude, builtins, words, activations }) {
  const out = [];
  out.push('### Argument kinds', '', '| kind | accepts |', '| --- | --- |');
  for (const kind of kinds) {
    if (!(kind in KIND_DOCS)) throw new Error(`argument kind '${kind}' has no description in scripts/language-reference.mjs`);
    out.push(`| ${kind} | ${KIND_DOCS[kind]} |`);
  }
  out.push('');
  for (const op of ops) out.push(renderOp(op), '');

  out.push('### Prelude blocks', '', 'Every model can call these blocks, written in tdl itself, without declaring them.', '');
  for (const block of prelude.blocks) out.push(renderBlock(block, prelude.source).replace(/^### /, '#### '), '');

  out.push('### Numeric functions', '', 'Folded while compiling; they take positional arguments only.', '', '| call | value |', '| --- | --- |');
  for (const name of builtins) {
    if (!(name in BUILTIN_DOCS)) throw new Error(`built-in '${name}' has no description in scripts/language-reference.mjs`);
    const [call, doc] = BUILTIN_DOCS[name];
    out.push(`| ${code(call)} | ${doc} |`);
  }
  out.push('');

  out.push('### Words', '', 'Bare words an operator understands. A constant, input or variable of the same name hides them.', '');
  out.push('| word | meaning |', '| --- | --- |');
  const all = ['true', 'false', 'alibi', ...words];
  for (const word of all) {
    const doc = activations.includes(word) ? `the activation function ${code(word)} (\`act = ${word}\`)` : WORD_DOCS[word];
    if (!doc) throw new Error(`word '${word}' has no description in scripts/language-reference.mjs`);
    out.push(`| ${code(word)} | ${doc} |`);
  }
  return out.join('\n');
}
