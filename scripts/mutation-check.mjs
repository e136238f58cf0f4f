// The mutation check: plants faults in the CPU runtime one at a time, in a temporary copy of its sources
// (the real ones are never edited), bundles `tdl` against each copy, and runs `tdl test` on a model of
// models/; every fault must make some property fail, and the unplanted copy must pass. Prints which
// property caught each fault. Usage: node scripts/mutation-check.mjs [--runs N] [--only NAME]; exit 1
// if a fault goes uncaught. Needs `pnpm build` first (the workspace's packages resolve to their sources).
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'packages/cli');
const RUNTIME = join(ROOT, 'packages/runtime-cpu/src');

/** Key j of first … last as a worker thread visits it in the planted order: last first. */
const KEY = '(select (i32.sub (i32.add (local.get $first) (local.get $last)) (local.get $j)) (local.get $j) (local.get $worker))';

/** Each fault: where (a file of runtime-cpu/src), the exact text replaced and its replacement, and the model that should show it. */
export const FAULTS = [
  {
    name: 'mask off by one',
    model: 'mistral.tdl',
    edits: [['kernels/attention.ts', 'Math.min(pos, keyCount - 1)', 'Math.min(pos + 1, keyCount - 1)']],
  },
  {
    name: 'mask off by one (WebAssembly)',
    model: 'gpt2.tdl',
    edits: [['wasm/attention.wat.ts', '(then (local.set $last (local.get $pos))))', '(then (local.set $last (i32.add (local.get $pos) (i32.const 1)))))']],
  },
  {
    name: 'cache position off by one at decode',
    model: 'llama.tdl',
    edits: [
      [
        'cache.ts',
        'this.keyView = this.keys.subarray(start * this.width, (start + count) * this.width);',
        'const at = count === 1 && start > 0 ? start - 1 : start;\n    this.keyView = this.keys.subarray(at * this.width, (at + count) * this.width);',
      ],
    ],
  },
  {
    name: 'rotary offset at decode',
    model: 'llama.tdl',
    edits: [['kernels/rope.ts', 'const pos = start + r;', 'const pos = rows === 1 && start > 0 ? start + r - 1 : start + r;']],
  },
  {
    name: 'sliding window off by one',
    model: 'mistral.tdl',
    edits: [['kernels/attention.ts', 'Math.max(0, pos - window + 1)', 'Math.max(0, pos - window)']],
  },
  {
    name: 'GQA key/value head mapping',
    model: 'mistral.tdl',
    edits: [['kernels/attention.ts', 'const ko = Math.floor(h / group) * headDim;', 'const ko = (h % kvHeads) * headDim;']],
  },
  {
    name: 'dropped residual',
    model: 'gpt2.tdl',
    edits: [['kernels/elementwise.ts', 'for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;', 'for (let i = 0; i < n; i++) out[i] = b[i]!;']],
  },
  {
    name: 'cross-attention memory ignored',
    model: 'transformer.tdl',
    edits: [['executor.ts', 'this.instance.setMemory(memory, length);', 'this.instance.setMemory(new Float32Array(memory.length), length);']],
  },
  {
    name: 'threads summing in another order',
    model: 'gpt2.tdl',
    // Worker threads (thread ≠ 0) weight the values one key at a time and from the last key back; the
    // main thread four at a time, first key first.
    edits: [
      ['wasm/attention.wat.ts', '(param $slopes i32) (param $scores i32)\n', '(param $slopes i32) (param $scores i32) (param $worker i32)\n'],
      ['wasm/attention.wat.ts', '(local.get $slopes) (local.get $scores))', '(local.get $slopes) (local.get $scores) (local.get $thread))'],
      [
        'wasm/attention.wat.ts',
        '(br_if $done (i32.gt_s (i32.add (local.get $j) (i32.const 3)) (local.get $last)))\n        (local.set $at',
        '(br_if $done (i32.or (local.get $worker) (i32.gt_s (i32.add (local.get $j) (i32.const 3)) (local.get $last))))\n        (local.set $at',
      ],
      [
        'wasm/attention.wat.ts',
        '(call $axpy (local.get $op) (i32.add (i32.add (local.get $values) (local.get $kp)) (i32.mul (local.get $j) (local.get $kvStride)))\n          (f32.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))))',
        `(call $axpy (local.get $op) (i32.add (i32.add (local.get $values) (local.get $kp)) (i32.mul ${KEY} (local.get $kvStride)))\n          (f32.load (i32.add (local.get $scores) (i32.shl ${KEY} (i32.const 2))))`,
      ],
    ],
  },
];

/** A copy of runtime-cpu's sources in `dir` with `edits` applied; each replaced text must occur exactly once. */
export function plant(dir, edits) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(RUNTIME, dir, { recursive: true });
  for (const [file, find, replace] of edits) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`mutation-check: '${find}' occurs ${count} times in runtime-cpu/src/${file}, not once (the source changed: update the fault)`);
    writeFileSync(path, text.replace(find, () => replace));
  }
}

/** Bundles the CLI from the sources, with @tdl/runtime-cpu served by the copy in `dir`. */
export async function bundle(dir, outfile) {
  const redirect = {
    name: 'planted-runtime',
    setup(b) {
      b.onResolve({ filter: /^@tdl\/runtime-cpu$/ }, () => ({ path: join(dir, 'index.ts') }));
      // The copy's own imports (@tdl/runtime) resolve as they would from the CLI.
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (!args.importer.startsWith(dir) || args.pluginData === 'again') return undefined;
        return b.resolve(args.path, { kind: args.kind, resolveDir: CLI, pluginData: 'again' });
      });
    },
  };
  await build({
    entryPoints: [join(CLI, 'src/main.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    external: ['webgpu', 'typescript', 'gpt-3-encoder'],
    banner: { js: "import { createRequire as __tdlCreateRequire } from 'node:module';\nconst require = __tdlCreateRequire(import.meta.url);" },
    plugins: [redirect],
    logLevel: 'error',
  });
}

/**
 * Runs `tdl test` from a bundle; returns its exit code and the properties that failed. A run that
 * crashed instead of reporting caught nothing: `failed` is empty and `crash` says how it ended.
 */
function tdlTest(bin, model, runs) {
  const r = spawnSync(process.execPath, [bin, 'test', join(ROOT, 'models', model), '--runs', String(runs), '--json'], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 });
  try {
    const failed = JSON.parse(r.stdout).flatMap((report) => report.results.filter((p) => p.status === 'failed').map((p) => p.property));
    return { code: r.status, failed };
  } catch {
    return { code: r.status, failed: [], crash: (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ') };
  }
}

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, only: { type: 'string' } } });
  const runs = Number(values.runs);
  const faults = values.only ? FAULTS.filter((f) => f.name.includes(values.only)) : FAULTS;
  const temp = mkdtempSync(join(tmpdir(), 'tdl-mutants-'));
  // Externals (webgpu, typescript) resolve from the bundle's folder: give it the CLI's node_modules.
  symlinkSync(join(CLI, 'node_modules'), join(temp, 'node_modules'));
  let uncaught = 0;
  try {
    const clean = join(temp, 'clean');
    plant(clean, []);
    await bundle(clean, join(temp, 'tdl-clean.mjs'));
    for (const model of [...new Set(faults.map((f) => f.model))]) {
      const r = tdlTest(join(temp, 'tdl-clean.mjs'), model, runs);
      if (r.code !== 0) {
        console.log(`no fault planted: ${model} fails ${r.failed.join(', ') || r.crash}; the check means nothing until it passes`);
        uncaught++;
      }
    }
    for (const [i, fault] of faults.entries()) {
      const dir = join(temp, `mutant-${i}`);
      plant(dir, fault.edits);
      const bin = join(temp, `tdl-${i}.mjs`);
      await bundle(dir, bin);
      const r = tdlTest(bin, fault.model, runs);
      const caught = r.code === 1 && r.failed.length > 0;
      if (!caught) uncaught++;
      console.log(`${caught ? 'caught  ' : 'MISSED  '} ${fault.name.padEnd(36)} ${fault.model.padEnd(18)} ${caught ? `by ${r.failed.join(', ')}` : `(exit ${r.code}${r.crash ? `: ${r.crash}` : ''})`}`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  console.log(uncaught ? `mutation check: ${uncaught} problem${uncaught > 1 ? 's' : ''}` : `mutation check: all ${faults.length} faults caught`);
  process.exit(uncaught ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
