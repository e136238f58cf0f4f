// Times what the language server (and the playground) does after each edit of a model file: the
// compiler's analysis of the whole text, then diagnostics, inlay shapes, symbols and a hover on every
// assignment. In this process, from the built packages. A suite of `pnpm bench`; alone, after
// `pnpm build`: node bench/editor.mjs [--quick] [--runs N]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAlone } from './lib/suites.mjs';

export const title = 'Editor latency';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function bench(ctx) {
  const ls = await import(join(ctx.root, 'packages/language-service/dist/index.js'));
  const files = readdirSync(join(ctx.root, 'models')).filter((f) => f.endsWith('.tdl')).sort();
  const runs = ctx.quick ? 2 : Math.max(10, ctx.runs * 3);
  const rows = [];
  for (const f of files) {
    const text = readFileSync(join(ctx.root, 'models', f), 'utf8');
    const name = `models/${f}`;
    // Offsets of every assignment's `=`, to hover its target just before it.
    const targets = [...text.matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m.index + m[0].indexOf(m[1]));
    const once = () => {
      const t0 = performance.now();
      const doc = ls.analyze(name, text);
      const t1 = performance.now();
      ls.diagnostics(doc);
      ls.inlayHints(doc);
      ls.documentSymbols(doc);
      for (const at of targets) ls.hover(doc, at);
      const t2 = performance.now();
      return { analyze: t1 - t0, features: t2 - t1, hovers: targets.length };
    };
    once(); // cold: module initialisation and the JIT
    const timed = Array.from({ length: runs }, once);
    rows.push({ file: f, analyzeMs: median(timed.map((r) => r.analyze)), featuresMs: median(timed.map((r) => r.features)), hovers: timed[0].hovers });
    ctx.log(`editor: ${f}`);
  }
  const lines = [
    `${runs} timed runs per file after one cold run, medians (node ${process.version}, load average ${(await import('node:os')).loadavg()[0].toFixed(2)})`,
    '',
    '| file | analysis ms | diagnostics + inlays + symbols + hovers ms | hovers |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.file} | ${r.analyzeMs.toFixed(2)} | ${r.featuresMs.toFixed(2)} | ${r.hovers} |`),
  ];
  return { markdown: lines.join('\n'), data: { runs, rows } };
}

await runAlone(import.meta.url, { title, bench });
