// tdl equiv: two model files compute the same function, under a checkpoint naming both declare
// (@tdl/testing's testEquivalence); exit 1 with the smallest counterexample if they do not.
import { UsageError } from '@tdl/runtime';
import { ConfigError, formatEquivalence, testEquivalence } from '@tdl/testing';
import { SET_FLAG, boolFlag, numberFlag, overrides, parseIds, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { readText, type CliIO } from '../io.js';
import { checkFile, ModelError } from '../model.js';

export const equivSpec: CommandSpec = {
  name: 'equiv',
  args: 'A B',
  summary: "Check that two model files compute the same function: random weights for A, moved to B through a checkpoint naming both declare, give the same logits on random inputs and shrunk configurations. Exits 1 if not.",
  flags: [
    { name: 'naming', type: 'string', value: 'NAME', default: 'the first checkpoint section both declare, else internal', doc: "the naming that carries A's weights to B" },
    { name: 'runs', type: 'string', value: 'N', default: '10', doc: 'random cases' },
    { name: 'seed', type: 'string', value: 'S', default: '0', doc: "fast-check's seed; with --ids, the seed of the one case" },
    { name: 'ids', type: 'string', value: '1,2,3', doc: 'run one case with these token ids at the --set configuration' },
    { name: 'tolerance', type: 'string', value: 'X', default: '1e-4', doc: 'relative tolerance of the logits' },
    { name: 'json', type: 'boolean', doc: 'print the report as JSON' },
    SET_FLAG,
  ],
};

export async function runEquiv(args: ParsedArgs, io: CliIO): Promise<number> {
  const [a, b, ...rest] = args.positionals;
  if (!a || !b || rest.length) throw new UsageError(`tdl equiv takes two model files, got ${args.positionals.length} ('tdl equiv --help' shows how)`);
  const set = overrides(args);
  // A's constants are pinned as given; B takes those it declares too (the reproducing command names A's).
  if (!checkFile(io, a, set, false).ok) throw new ModelError(a);
  const inB = checkFile(io, b, {}, false).graph?.consts ?? {};
  if (!checkFile(io, b, Object.fromEntries(Object.entries(set).filter(([k]) => k in inB)), false).ok) throw new ModelError(b);
  const idsText = stringFlag(args, 'ids');
  const naming = stringFlag(args, 'naming');
  let report;
  try {
    report = await testEquivalence(
      { name: a, text: readText(a) },
      { name: b, text: readText(b) },
      {
        runs: numberFlag(args, 'runs', 10, { integer: true, min: 1, max: 100_000 }),
        seed: numberFlag(args, 'seed', 0, { integer: true, min: 0, max: 0x7fffffff }),
        tolerance: numberFlag(args, 'tolerance', 1e-4, { min: 0 }),
        set,
        ...(naming !== undefined ? { naming } : {}),
        ...(idsText !== undefined ? { ids: parseIds(idsText) } : {}),
      },
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  io.stdout.write(boolFlag(args, 'json') ? JSON.stringify(report, null, 2) + '\n' : formatEquivalence(report));
  return report.status === 'passed' ? 0 : 1;
}
