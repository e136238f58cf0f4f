// Peak memory of loading a large checkpoint: writes GPT-2 small (124M parameters, about 500 MB in
// f32) in Hugging Face naming to a temporary folder, then loads it in child processes with the CLI's
// own loader and reports each one's peak resident memory against the file size.
//
//   npx -y pnpm@12.4.2 build && node bench/load-memory.mjs [--keep]
//
// Three children, each a fresh Node process: the baseline (the model checked, no weights), the
// loader alone (loadCheckpoint, as `tdl run --weights` calls it), and the whole `tdl logits` command
// (load, compile, a 3-token forward pass). The loader's peak must stay under 1.5 x the file size;
// run alone, the script exits 1 if it does not. It is also a suite of `pnpm bench`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const title = 'Checkpoint load memory';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist');
const MODEL = join(ROOT, 'models/gpt2.tdl');
const LIMIT = 1.5;


const url = (file) => pathToFileURL(join(CLI, file)).href;
const quietIO = `{ stdout: { write() {} }, stderr: { write(s) { process.stderr.write(s); } } }`;
const report = `process.stdout.write(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }))`;

/** Runs `body` (an async function's text) in a fresh Node process; returns its peak RSS in bytes. */
function measure(label, body) {
  const code = `(async () => { ${body}; ${report}; })().catch((e) => { console.error(e); process.exit(1); });`;
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr}`);
  return { label, seconds: (performance.now() - started) / 1000, ...JSON.parse(r.stdout) };
}

/**
 * Writes the checkpoint, measures the three processes, and removes the folder (unless `keep`).
 * `out` receives the report (a markdown table), `log` progress.
 */
export async function measureLoadMemory({ keep = false, out, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-load-memory-'));
  const file = join(dir, 'gpt2-hf.safetensors');
  try {
    log(`writing ${file} (GPT-2 small, f32, Hugging Face naming)…`);
    const init = spawnSync(process.execPath, [join(CLI, 'main.js'), 'init', MODEL, '--naming', 'hf', '--out', file], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`tdl init failed:\n${init.stderr}`);
    const size = statSync(file).size;

    const loadModel = `const { loadModel } = await import(${JSON.stringify(url('model.js'))});
      const { graph, namings } = loadModel(${quietIO}, ${JSON.stringify(MODEL)}, {});`;
    const rows = [
      measure('baseline: model checked, no weights', loadModel),
      measure('loadCheckpoint (what --weights runs)', `${loadModel}
        const { loadCheckpoint } = await import(${JSON.stringify(url('weights.js'))});
        const { weights, naming } = await loadCheckpoint(${JSON.stringify(file)}, graph.params, namings, { model: graph.name });
        if (naming !== 'hf' || weights.size !== graph.params.length) throw new Error('loaded the wrong thing');`),
      measure('tdl logits (load, compile, 3 tokens)', `const { main } = await import(${JSON.stringify(url('cli.js'))});
        const code = await main(['logits', ${JSON.stringify(MODEL)}, '--weights', ${JSON.stringify(file)}, '--ids', '464,2068,7586', '--out', ${JSON.stringify(join(dir, 'logits.safetensors'))}], ${quietIO});
        if (code !== 0) throw new Error('tdl logits failed');`),
    ];

    const mb = (b) => (b / 1e6).toFixed(0);
    out(`checkpoint: ${mb(size)} MB (${file})\n`);
    out('| process | peak RSS (MB) | x file size | seconds |');
    out('| --- | ---: | ---: | ---: |');
    for (const r of rows) out(`| ${r.label} | ${mb(r.maxRssBytes)} | ${(r.maxRssBytes / size).toFixed(2)} | ${r.seconds.toFixed(1)} |`);
    const loader = rows[1].maxRssBytes / size;
    out(`\nloader peak: ${loader.toFixed(2)} x the file size (limit ${LIMIT})`);
    return { fileBytes: size, rows: rows.map(({ label, maxRssBytes, seconds }) => ({ label, maxRssBytes, seconds })), loaderRatio: loader, withinLimit: loader < LIMIT };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

export async function bench(ctx) {
  const lines = [];
  const data = await measureLoadMemory({ out: (l) => lines.push(l), log: ctx.log });
  return { markdown: lines.join('\n'), data };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!existsSync(join(CLI, 'main.js'))) {
    console.error('bench/load-memory: build first (npx -y pnpm@12.4.2 build)');
    process.exit(1);
  }
  const result = await measureLoadMemory({ keep: process.argv.includes('--keep'), out: (l) => console.log(l), log: (l) => console.error(l) });
  if (!result.withinLimit) process.exitCode = 1;
}
