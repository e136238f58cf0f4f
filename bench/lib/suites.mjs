// Finds the benchmark suites (every bench/*.mjs but run.mjs, in the order they run) and runs one alone.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** Suites that others read the results of run first (the roofline needs the bandwidth). */
export const FIRST = ['bandwidth', 'decode', 'compile'];

/** Suite names (file names without .mjs) from a folder's file names, in running order. */
export function suiteNames(files) {
  const rank = (name) => (FIRST.includes(name) ? FIRST.indexOf(name) : FIRST.length);
  return files
    .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
    .map((f) => f.slice(0, -'.mjs'.length))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Lets a suite run on its own: `node bench/NAME.mjs [--quick] [--runs N]` runs it and prints its
 * section on stdout (progress on stderr), writing no results file. Does nothing when the suite was
 * imported (by run.mjs or a test) rather than given to node.
 */
export async function runAlone(moduleUrl, suite) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`bench: --runs must be a whole number ≥ 1, got '${values.runs}'`);
    process.exit(1);
  }
  const ctx = {
    quick: values.quick,
    runs: values.quick ? 1 : runs,
    root: new URL('../../', import.meta.url).pathname,
    results: new Map(),
    log: (message) => process.stderr.write(`bench: ${message}\n`),
  };
  const { markdown } = await suite.bench(ctx);
  console.log(`## ${suite.title}\n\n${markdown}`);
}
