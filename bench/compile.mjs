// Compile time of every model in models/: parse and check, generate the CPU module, transpile it to
// JavaScript and load it (what `tdl run` does before any weight exists). In-process, first run and median.
import { readdirSync, readFileSync } from 'node:fs';
import { compiler, cpu } from './lib/packages.mjs';
import { fmt, load, median, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'Compile time';

function compileOnce(name, text) {
  const t0 = performance.now();
  const checked = compiler.checkSource({ name, text });
  if (!checked.ok) throw new Error(`${name} does not check`);
  const t1 = performance.now();
  const { typescript } = compiler.generateCpuModule(checked.graph);
  const t2 = performance.now();
  const javascript = compiler.transpileCpuModule(typescript);
  cpu.loadGeneratedModule(javascript, cpu);
  const t3 = performance.now();
  return { check: t1 - t0, generate: t2 - t1, transpile: t3 - t2, total: t3 - t0, lines: typescript.split('\n').length };
}

export async function bench(ctx) {
  const dir = new URL('../models/', import.meta.url).pathname;
  const files = readdirSync(dir).filter((f) => f.endsWith('.tdl')).sort();
  const runs = ctx.quick ? 3 : Math.max(10, ctx.runs * 2);
  const rows = [];
  const data = [];
  for (const file of files) {
    const text = readFileSync(dir + file, 'utf8');
    const times = [];
    const loads = [];
    for (let r = 0; r < runs; r++) {
      times.push(compileOnce(`models/${file}`, text));
      loads.push(load());
    }
    const pick = (k) => median(times.slice(1).map((t) => t[k]));
    const m = { file, first: times[0].total, total: pick('total'), check: pick('check'), generate: pick('generate'), transpile: pick('transpile'), lines: times[0].lines, load: median(loads) };
    data.push(m);
    rows.push([`models/${file}`, fmt(m.first), fmt(m.total), fmt(m.check), fmt(m.generate), fmt(m.transpile), String(m.lines), fmt(m.load, 2)]);
    ctx.log(`compile: models/${file}: ${fmt(m.total)} ms (first ${fmt(m.first)} ms)`);
  }
  const markdown = [
    `Milliseconds, in one process: the first compile (cold: the compiler's code not yet optimised by the JIT; the models are compiled`,
    `in the order listed, so only the first model pays the full start-up) and the median of the next ${runs - 1}, split into check (parse, lower, shapes, checks),`,
    'generate (the TypeScript module) and transpile + load (TypeScript → JavaScript, evaluated).',
    '',
    table(['model', 'first', 'median', 'check', 'generate', 'transpile + load', 'lines', 'load'], rows),
  ].join('\n');
  return { markdown, data };
}

await runAlone(import.meta.url, { title, bench });
