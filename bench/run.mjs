// `pnpm bench`: runs every benchmark suite in bench/ and writes bench/RESULTS.md (and RESULTS.json).
// A suite is any bench/*.mjs that exports `bench(ctx)` (and a `title`); see bench/README.md.
// Usage: node bench/run.mjs [--quick] [--runs N] [--only a,b] [--out FILE]
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, loadavg, availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { suiteNames } from './lib/suites.mjs';

const USAGE = `usage: node bench/run.mjs [flags]   (pnpm bench builds first, then runs this)
  --quick       fewer runs, for a smoke test (default: off)
  --runs N      runs of each main measurement, medians reported (default: 5)
  --only a,b    only these suites, by file name without .mjs (default: every suite)
  --out FILE    where the markdown goes (default: bench/RESULTS.md; JSON beside it)
  --help        this text`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs must be a whole number ≥ 1, got '${values.runs}'`);
  process.exit(1);
}

const benchDir = new URL('./', import.meta.url).pathname;
const names = suiteNames(readdirSync(benchDir));
const only = values.only?.split(',').map((s) => s.trim());
if (only) {
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length) {
    console.error(`bench: no suite ${unknown.join(', ')} (suites: ${names.join(', ')})`);
    process.exit(1);
  }
}

const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const machine = {
  cpu: cpuModel,
  cores: availableParallelism(),
  memoryGiB: totalmem() / 2 ** 30,
  node: process.version,
  v8: process.versions.v8,
  platform: `${process.platform} ${process.arch}`,
};
const started = new Date();
const loadAtStart = loadavg();
const command = `pnpm bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const ctx = {
  quick: values.quick,
  runs: values.quick ? 1 : runs,
  root: new URL('../', import.meta.url).pathname,
  results: new Map(),
  log: (message) => process.stderr.write(`bench: ${message}\n`),
};

const sections = [];
for (const name of names) {
  if (only && !only.includes(name)) continue;
  const suite = await import(new URL(`./${name}.mjs`, import.meta.url).href);
  if (typeof suite.bench !== 'function') continue; // a helper, not a suite
  ctx.log(`— ${suite.title ?? name} (bench/${name}.mjs)`);
  const t0 = performance.now();
  const { markdown, data } = await suite.bench(ctx);
  ctx.results.set(name, data);
  sections.push({ name, title: suite.title ?? name, markdown, data, seconds: (performance.now() - t0) / 1000 });
}

const loadAtEnd = loadavg();
const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(', ');
const report = [
  '# Benchmark results',
  '',
  `Written by \`bench/run.mjs\`; do not edit by hand. Reproduce with \`${command}\` (after \`npx -y pnpm@12.4.2 install\`).`,
  '',
  `- Date: ${started.toISOString()}`,
  `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.platform}`,
  `- Node ${machine.node} (V8 ${machine.v8})`,
  `- Load average (1, 5, 15 min): ${fmtLoad(loadAtStart)} at the start, ${fmtLoad(loadAtEnd)} at the end` +
    (loadAtStart[0] > 0.5 * machine.cores ? ' — **the machine was busy: timings are low and noisy**' : ''),
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', `(bench/${s.name}.mjs, ${s.seconds.toFixed(0)} s)`, '', s.markdown, '']),
].join('\n');

const out = values.out ?? new URL('./RESULTS.md', import.meta.url).pathname;
const json = out.replace(/\.md$/, '') + '.json';
writeAtomic(out, report);
writeAtomic(json, JSON.stringify({ date: started.toISOString(), command, machine, load: { start: loadAtStart, end: loadAtEnd }, suites: Object.fromEntries(sections.map((s) => [s.name, s.data])) }, null, 2) + '\n');
ctx.log(`wrote ${out} and ${json}`);

function writeAtomic(path, text) {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}
