// Finds the benchmark suites: every bench/*.mjs but run.mjs, in the order they run.

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
