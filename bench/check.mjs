// Times `tdl check` on every model file in models/ (errors/ included): parse, lower, verify and check,
// in this process, from the built packages. Run `pnpm build` first, then `node bench/check.mjs [RUNS]`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let compiler;
try {
  compiler = await import(join(root, 'packages/compiler/dist/index.js'));
} catch {
  console.error('bench/check.mjs: packages/compiler/dist is missing: run `npx -y pnpm@12.4.2 build` first');
  process.exit(1);
}
const { checkSource } = compiler;

const runs = Number(process.argv[2] ?? 25);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench/check.mjs: RUNS must be a whole number of at least 1, got '${process.argv[2]}'`);
  process.exit(1);
}

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

const first = pass(); // cold: module initialisation, the prelude parsed once, the JIT still warming up
const timed = Array.from({ length: runs }, pass);
const totals = timed.map((p) => p.reduce((n, f) => n + f.ms, 0));
const width = Math.max(...files.map((f) => f.name.length));
const fmt = (ms) => ms.toFixed(2).padStart(8);

console.log(`tdl check on ${files.length} files in models/, ${runs} timed passes after one cold pass (node ${process.version})\n`);
console.log(`${'file'.padEnd(width)}  median ms  errors`);
files.forEach((f, i) => {
  console.log(`${f.name.padEnd(width)}  ${fmt(median(timed.map((p) => p[i].ms)))}  ${String(first[i].errors).padStart(6)}`);
});
console.log(`\ncold first pass, all files: ${fmt(first.reduce((n, f) => n + f.ms, 0))} ms`);
console.log(`median total, all files:    ${fmt(median(totals))} ms`);
console.log(`fastest / slowest total:    ${fmt(Math.min(...totals))} / ${Math.max(...totals).toFixed(2)} ms`);

// What a `tdl check` process pays before checking anything: loading the packages in a fresh node.
const load = (what, path) => {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(path)})`], { stdio: 'inherit' });
  const ms = performance.now() - start;
  console.log(`${what.padEnd(27)} ${fmt(ms)} ms${child.status ? ' (failed)' : ''}`);
};
console.log('');
load('node alone:', 'node:path');
load('loading @tdl/dsl:', join(root, 'packages/dsl/dist/index.js'));
load('loading @tdl/compiler:', join(root, 'packages/compiler/dist/index.js'));
