// Every command, given a table of bad inputs: each failure is one `tdl: error:` line (or located
// diagnostics with a caret) and exit code 1 — never a stack trace, an "internal error" or raw control bytes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { concatChunks, encodeSafetensors } from '@tdl/runtime';
import { tdl } from './support/run-cli.js';

const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;
const LONGROPE = new URL('./fixtures/hf/phi3-longrope', import.meta.url).pathname; // 4 factors for 4 pairs (head_dim 8)
const DYNAMIC = new URL('./fixtures/hf/llama-dynamic', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'tdl-bad-input-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(temp, name);
  writeFileSync(path, bytes);
  return path;
};
const BINARY = file('program.tdl', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x7f]));
const LATIN1 = file('latin1.tdl', Uint8Array.from([...Buffer.from('## caf'), 0xe9, ...Buffer.from('\nmodel m {\n}\n')]));
const CONTROL = file('control.tdl', 'model m {\n  const a = 1\x1b[2J\x07\n}\n');
const BROKEN = file('broken.tdl', 'model m {\n  const vocab = 8\n  output logits = nothing(x)\n}\n');
const GARBAGE = file('garbage.safetensors', 'this is not a safetensors file at all');
const SMALL = concatChunks(encodeSafetensors([{ name: 'x', shape: [4, 4], data: new Float32Array(16) }]));
const TRUNCATED = file('truncated.safetensors', SMALL.slice(0, 40));
const OTHER = file('other.safetensors', SMALL);
const FOLDER = join(temp, 'a-folder.tdl');
mkdirSync(FOLDER);
const MISSING = join(temp, 'missing.tdl');
const OUT = join(temp, 'out.safetensors');
const LONG_IDS = Array.from({ length: 40 }, (_, i) => i).join(',');

/** The flags each command needs besides its file, so the file is what fails. */
const REQUIRED: Record<string, string[]> = {
  check: [],
  info: [],
  fmt: [],
  graph: [],
  compile: ['--out', join(temp, 'compiled')],
  init: ['--out', OUT],
  run: [],
  logits: ['--ids', '1', '--out', OUT],
  export: ['--weights', OTHER, '--out', OUT],
  test: [],
  equiv: [TINY],
};

/** [what is wrong, argv]. */
const CASES: [string, string[]][] = [
  ['no command flags', ['--nope']],
  ['an unknown command', ['chek', TINY]],
  ...Object.entries(REQUIRED).flatMap(([command, rest]): [string, string[]][] => [
    [`${command}: no file`, [command]],
    [`${command}: a missing file`, [command, MISSING, ...rest]],
    [`${command}: a folder`, [command, FOLDER, ...rest]],
    [`${command}: a binary file`, [command, BINARY, ...rest]],
    [`${command}: not UTF-8`, [command, LATIN1, ...rest]],
    [`${command}: control characters in the source`, [command, CONTROL, ...rest]],
    [`${command}: an unknown flag`, [command, TINY, '--bogus']],
  ]),
  ...['info', 'graph', 'compile', 'init', 'run', 'logits', 'export'].map((command): [string, string[]] => [
    `${command}: two files where one goes`,
    [command, TINY, TINY, ...REQUIRED[command]!],
  ]),
  ['check: errors in the file', ['check', BROKEN]],
  ['info: --set without a value', ['info', TINY, '--set', 'layers']],
  ['info: --set of a word', ['info', TINY, '--set', 'layers=two']],
  ['info: --set of an unknown constant', ['info', TINY, '--set', 'nope=2']],
  ['info: a negative layer count', ['info', TINY, '--set', 'layers=-1']],
  ['info: a fractional head count', ['info', TINY, '--set', 'heads=1.5']],
  ['info: --context 0', ['info', TINY, '--context', '0']],
  ['info: a width past 2^53 parameters', ['info', TINY, '--set', 'd=120000000000']],
  ['info: a width past exact whole numbers', ['info', TINY, '--set', 'd=1e300']],
  ['info: layers past exact whole numbers', ['info', TINY, '--set', 'layers=1e20']],
  ['info: a hundred million layers', ['info', TINY, '--set', 'layers=100000000']],
  ['info: --context past exact whole numbers', ['info', TINY, '--context', '1e300']],
  ['info: control characters in --set', ['info', TINY, '--set', 'layers=\x1b[2J']],
  ['run: control characters in --ids', ['run', TINY, '--ids', '1,\x07']],
  ['run: a control character as a command', ['\x1b[31m']],
  ['fmt: --check and --write', ['fmt', TINY, '--check', '--write']],
  ['fmt: syntax errors', ['fmt', file('syntax.tdl', 'model m {\n  const = 3\n}\n')]],
  ['graph: an unknown format', ['graph', TINY, '--format', 'png']],
  ['compile: no --out', ['compile', TINY]],
  ['compile: an unknown target', ['compile', TINY, '--target', 'cuda', '--out', join(temp, 'c')]],
  ['compile: --out is a file', ['compile', TINY, '--out', OTHER]],
  ['compile: onnx, --out is a file', ['compile', TINY, '--target', 'onnx', '--out', OTHER]],
  ['compile: onnx, weights of another model', ['compile', TINY, '--target', 'onnx', '--weights', OTHER, '--out', join(temp, 'o')]],
  ['compile: onnx, weights that are not safetensors', ['compile', TINY, '--target', 'onnx', '--weights', GARBAGE, '--out', join(temp, 'o')]],
  ['compile: onnx, RoPE scaling that changes with the length', ['compile', DYNAMIC, '--target', 'onnx', '--out', join(temp, 'o')]],
  ['check: LongRoPE factors that do not fit the heads', ['check', LONGROPE, '--set', 'd=64']],
  ['compile: onnx, --naming without --weights', ['compile', TINY, '--target', 'onnx', '--naming', 'hf', '--out', join(temp, 'o')]],
  ['init: no --out', ['init', TINY]],
  ['init: an unknown dtype', ['init', TINY, '--dtype', 'f8', '--out', OUT]],
  ['init: an unwritable --out', ['init', TINY, '--out', join(OTHER, 'inside.safetensors')]],
  ['run: an id out of range', ['run', TINY, '--ids', '256']],
  ['run: an empty id', ['run', TINY, '--ids', '1,,2']],
  ['run: a prompt longer than the context', ['run', TINY, '--ids', LONG_IDS]],
  ['run: --prompt and --ids', ['run', TINY, '--prompt', 'hi', '--ids', '1']],
  ['run: a stop token out of range', ['run', TINY, '--ids', '1', '--stop', '99999999']],
  ['run: a negative token count', ['run', TINY, '--max-tokens', '-5']],
  ['run: a misspelt flag', ['run', TINY, '--temp', '0.5']],
  ['run: top-p of 0', ['run', TINY, '--top-p', '0']],
  ['run: 0 beams', ['run', TINY, '--ids', '1', '--beams', '0']],
  ['run: more returned sequences than beams', ['run', TINY, '--ids', '1', '--beams', '2', '--num-return', '3']],
  ['run: an unknown early-stopping rule', ['run', TINY, '--ids', '1', '--beams', '2', '--early-stopping', 'yes']],
  ['run: a length penalty without beams', ['run', TINY, '--ids', '1', '--length-penalty', '2']],
  ['run: a temperature with beams', ['run', TINY, '--ids', '1', '--beams', '2', '--temperature', '0.7']],
  ['run: more beam candidates than the vocabulary', ['run', TINY, '--ids', '1', '--beams', '200']],
  ['run: an unknown backend', ['run', TINY, '--backend', 'cuda']],
  ['run: an unknown weight dtype', ['run', TINY, '--weight-dtype', 'q3']],
  ['run: unknown kernels', ['run', TINY, '--kernels', 'asm']],
  ['run: 0 threads', ['run', TINY, '--threads', '0']],
  ['run: missing weights', ['run', TINY, '--weights', MISSING]],
  ['run: weights that are not safetensors', ['run', TINY, '--weights', GARBAGE]],
  ['run: truncated weights', ['run', TINY, '--weights', TRUNCATED]],
  ['run: weights of another model', ['run', TINY, '--weights', OTHER]],
  ['run: --naming without --weights', ['run', TINY, '--naming', 'hf']],
  ['run: a memory for a model without one', ['run', TINY, '--ids', '1', '--memory', OTHER]],
  ['run: a missing tokenizer', ['run', TINY, '--tokenizer', MISSING]],
  ['run: a tokenizer that is not JSON', ['run', TINY, '--tokenizer', GARBAGE]],
  ['logits: no --ids', ['logits', TINY, '--out', OUT]],
  ['logits: no --out', ['logits', TINY, '--ids', '1']],
  ['logits: an id out of range', ['logits', TINY, '--ids', '300', '--out', OUT]],
  ['export: no --weights', ['export', TINY, '--out', OUT]],
  ['lsp: a file', ['lsp', TINY]],
  ['lsp: --set without a value', ['lsp', '--set', 'layers']],
  ['lsp: an unknown flag', ['lsp', '--tcp']],
  ['test: an unknown property', ['test', TINY, '--only', 'nope']],
  ['test: no runs', ['test', TINY, '--runs', '0']],
  ['test: ids that are not numbers', ['test', TINY, '--ids', 'a,b']],
  ['equiv: one file', ['equiv', TINY]],
  ['equiv: a naming only one file has', ['equiv', TINY, TINY, '--naming', 'nope']],
  ['export: an unknown naming', ['export', TINY, '--weights', OTHER, '--naming', 'nope', '--out', OUT]],
];

/** A located diagnostic's first line: `FILE:LINE:COL error[E0123]: …`. */
const LOCATED = /^\S.*:\d+:\d+ (error|warning)\[E\d{4}\]: /;

describe('bad input, every command', () => {
  it.each(CASES)('%s', async (_what, argv) => {
    const r = await tdl(...argv);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length, 'says something on stderr').toBeGreaterThan(0);
    expect(lines[0]!.startsWith('tdl: error: ') || LOCATED.test(lines[0]!), r.stderr).toBe(true);
    // A plain error is one line; a misfitting checkpoint adds an indented line per tensor.
    if (!LOCATED.test(lines[0]!)) expect(lines.slice(1).every((l) => l.startsWith('  ')), r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at \S+ \(|\bat file:\/\/|TypeError|RangeError/);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr + r.stdout, 'prints no control characters').not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('writes nothing where a command failed', async () => {
    expect((await tdl('logits', TINY, '--ids', '300', '--out', OUT)).code).toBe(1);
    expect(() => writeFileSync(join(OUT, 'x'), '')).toThrow();
  });
});
