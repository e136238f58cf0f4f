// Times `tdl check` on every model file in models/ (errors/ included): parse, lower, verify and check,
// in this process, from the built packages. A suite of `pnpm bench`; alone, after `pnpm build`:
// node bench/check.mjs [RUNS]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const title = 'Check speed';

const root = fileURLToPath(new URL('..', import.meta.url));
let compiler;
try {
  compiler = await import(join(root, 'packages/compiler/dist/index.js'));
} catch {
  console.error('bench/check.mjs: packages/compiler/dist is missing: run `npx -y pnpm@12.4.2 build` first');
  process.exit(1);
}
const { checkSource } = compiler;


function modelFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? modelFiles(join(dir, e.name)) : e.name.endsWith('.tdl') ? [join(dir, e.name)] : []))
    .sort();
}

const files = modelFiles(join(root, 'models')).map((path) => ({ name: relative(root, path), path }));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One pass over every file, reading each from disk as `tdl check` does; milliseconds per file. */
function pass() {
  return files.map(({ name, path }) => {
    const start = performance.now();
    const result = checkSource({ name, text: readFileSync(path, 'utf8') });
    const ms = performance.now() - start;
    return { name, ms, errors: result.diagnostics.filter((d) => d.severity === 'error').length };
  });
}

/** `runs` timed passes over every file after one cold pass; `out` receives the report's lines. */
export async function measureCheck(runs, out) {
  const first = pass(); // cold: module initialisation, the prelude parsed once, the JIT still warming up
  const timed = Array.from({ length: runs }, pass);
  const totals = timed.map((p) => p.reduce((n, f) => n + f.ms, 0));
  const width = Math.max(...files.map((f) => f.name.length));
  const fmt = (ms) => ms.toFixed(2).padStart(8);

  out(`tdl check on ${files.length} files in models/, ${runs} timed passes after one cold pass (node ${process.version})\n`);
  out(`${'file'.padEnd(width)}  median ms  errors`);
  files.forEach((f, i) => {
    out(`${f.name.padEnd(width)}  ${fmt(median(timed.map((p) => p[i].ms)))}  ${String(first[i].errors).padStart(6)}`);
  });
  out(`\ncold first pass, all files: ${fmt(first.reduce((n, f) => n + f.ms, 0))} ms`);
  out(`median total, all files:    ${fmt(median(totals))} ms`);
  out(`fastest / slowest total:    ${fmt(Math.min(...totals))} / ${Math.max(...totals).toFixed(2)} ms`);

  // What a `tdl check` process pays before checking anything: loading the packages in a fresh node.
  const load = (what, path) => {
    const start = performance.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(path)})`], { stdio: 'inherit' });
    const ms = performance.now() - start;
    out(`${what.padEnd(27)} ${fmt(ms)} ms${child.status ? ' (failed)' : ''}`);
  };
  out('');
  load('node alone:', 'node:path');
  load('loading @tdl/dsl:', join(root, 'packages/dsl/dist/index.js'));
  load('loading @tdl/compiler:', join(root, 'packages/compiler/dist/index.js'));
  return { files: files.length, coldMs: first.reduce((n, f) => n + f.ms, 0), medianTotalMs: median(totals) };
}

export async function bench(ctx) {
  const lines = [];
  const data = await measureCheck(ctx.quick ? 2 : Math.max(25, ctx.runs * 5), (l) => lines.push(l));
  return { markdown: ['```text', ...lines, '```'].join('\n'), data };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.argv[2] ?? 25);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`bench/check.mjs: RUNS must be a whole number of at least 1, got '${process.argv[2]}'`);
    process.exit(1);
  }
  await measureCheck(runs, (l) => console.log(l));
}
