// Memory-bandwidth probe: how fast this engine streams a buffer far larger than the caches, so decode
// speeds can be read as a fraction of the bandwidth roofline. WebAssembly SIMD is what counts: the
// decode kernels are WebAssembly, so this is the bandwidth code in the same engine can reach, on one
// thread and on every core. A JavaScript Float32Array loop is shown beside it for scale.
import { Worker } from 'node:worker_threads';
import { assemble, CORES } from './lib/packages.mjs';
import { fmt, load, median, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'Memory bandwidth';

const BYTES = 512 * 2 ** 20;
const PASSES = 4;

/** Sums the floats in [p, end) with four f32x4 accumulators: 64 bytes a step, nothing written. */
const PROBE_WAT = `(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "read") (param $p i32) (param $end i32) (result f32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (f32x4.add (local.get $a) (v128.load (local.get $p))))
        (local.set $b (f32x4.add (local.get $b) (v128.load offset=16 (local.get $p))))
        (local.set $c (f32x4.add (local.get $c) (v128.load offset=32 (local.get $p))))
        (local.set $d (f32x4.add (local.get $d) (v128.load offset=48 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $next)))
    (f32x4.extract_lane 0 (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (f32x4.add (local.get $c) (local.get $d))))))`;

/** Each worker waits for the go flag, streams its slice PASSES times, and reports when it started and ended. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ module, memory, from, to }) => {
  const read = new WebAssembly.Instance(module, { env: { memory } }).exports.read;
  const flag = new Int32Array(memory.buffer, 0, 1);
  read(from, from + 65536);
  parentPort.postMessage('ready');
  Atomics.wait(flag, 0, 0);
  const t0 = performance.timeOrigin + performance.now();
  let sink = 0;
  for (let i = 0; i < ${PASSES}; i++) sink += read(from, to);
  const t1 = performance.timeOrigin + performance.now();
  parentPort.postMessage({ t0, t1, sink });
});`;

/** GB/s of `threads` workers streaming BYTES together, PASSES times. */
async function wasmProbe(module, memory, threads) {
  const flag = new Int32Array(memory.buffer, 0, 1);
  Atomics.store(flag, 0, 0);
  const slice = Math.floor((BYTES / threads) / 64) * 64;
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true }));
  const ready = workers.map((w, i) => new Promise((resolve) => {
    w.once('message', resolve);
    w.postMessage({ module, memory, from: 64 + i * slice, to: 64 + (i + 1) * slice });
  }));
  await Promise.all(ready);
  const times = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  const spans = await Promise.all(times);
  await Promise.all(workers.map((w) => w.terminate()));
  const seconds = (Math.max(...spans.map((s) => s.t1)) - Math.min(...spans.map((s) => s.t0))) / 1000;
  return (slice * threads * PASSES) / seconds / 1e9;
}

function jsProbe(f32) {
  const t0 = performance.now();
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < f32.length; i += 4) {
      s0 += f32[i];
      s1 += f32[i + 1];
      s2 += f32[i + 2];
      s3 += f32[i + 3];
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  if (s0 + s1 + s2 + s3 === 42) console.error(''); // keeps the sums alive
  return (f32.byteLength * PASSES) / seconds / 1e9;
}

export async function bench(ctx) {
  const runs = ctx.quick ? 3 : Math.max(5, ctx.runs);
  const module = new WebAssembly.Module(assemble(PROBE_WAT));
  const memory = new WebAssembly.Memory({ initial: BYTES / 65536 + 2, maximum: 65536, shared: true });
  new Float32Array(memory.buffer).fill(1); // touch every page, so the probe reads memory, not the zero page
  const threadCounts = [...new Set([1, CORES])];
  const rows = [];
  const result = {};
  const loads = [];
  for (const threads of threadCounts) {
    const gbs = [];
    for (let r = 0; r < runs; r++) {
      gbs.push(await wasmProbe(module, memory, threads));
      loads.push(load());
    }
    result[`wasm${threads}`] = median(gbs);
    rows.push([`WebAssembly SIMD, ${threads} thread${threads > 1 ? 's' : ''}`, fmt(median(gbs)), fmt(Math.max(...gbs))]);
    ctx.log(`bandwidth: wasm × ${threads}: ${fmt(median(gbs))} GB/s (median of ${runs})`);
  }
  const js = [];
  const f32 = new Float32Array(memory.buffer, 64, BYTES / 4);
  for (let r = 0; r < Math.min(runs, 3); r++) js.push(jsProbe(f32));
  rows.push(['JavaScript Float32Array loop, 1 thread', fmt(median(js)), fmt(Math.max(...js))]);
  ctx.log(`bandwidth: js × 1: ${fmt(median(js))} GB/s`);
  // The roofline is the best the engine streamed: on every core, or on one if that did better.
  const roofline = Math.max(...threadCounts.map((t) => result[`wasm${t}`]));
  const data = { ...result, js: median(js), roofline, bytes: BYTES, passes: PASSES, load: median(loads) };
  const markdown = [
    `Streaming reads of a ${BYTES / 2 ** 20} MiB buffer (${PASSES} passes a run, median and best of ${runs} runs; load ${fmt(data.load, 2)}).`,
    '',
    table(['probe', 'median GB/s', 'best GB/s'], rows),
    '',
    `Roofline used below: **${fmt(roofline)} GB/s** (the WebAssembly median on the better thread count).`,
  ].join('\n');
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
