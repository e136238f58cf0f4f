// Beam search on the CPU: tokens/s of 4 beams on stories15M's shape (seeded random weights), with the
// beams' KV caches forked and decoded in one batched step (CpuSequences) against replaying each beam's
// history on one cache (Replaying, the fallback), and greedy decoding of the same length beside them.
import { compiler, cpu, runtime } from './lib/packages.mjs';
import { checkedShape } from './lib/shapes.mjs';
import { fmt, median, table } from './lib/stats.mjs';
import { runAlone } from './lib/suites.mjs';

export const title = 'Beam search';

const BEAMS = 4;

export async function bench(ctx) {
  const { shape, graph } = checkedShape('stories15M');
  const module = cpu.loadGeneratedModule(compiler.transpileCpuModule(compiler.generateCpuModule(graph).typescript), cpu);
  const weights = runtime.initWeights(module.MODEL.params, 0);
  const tokens = ctx.quick ? 16 : 48;
  const prompt = Array.from({ length: 16 }, (_, i) => (i * 37 + 5) % shape.set.vocab);
  const options = { beams: BEAMS, maxTokens: tokens, stopTokens: [] };
  const time = async (run) => {
    const ms = [];
    for (let r = 0; r < ctx.runs; r++) {
      const start = performance.now();
      await run();
      ms.push(performance.now() - start);
    }
    return median(ms);
  };
  const forkedExec = new cpu.CpuExecutor(module, weights);
  const replayExec = new cpu.CpuExecutor(module, weights);
  const greedyExec = new cpu.CpuExecutor(module, weights);
  const forked = await time(() => runtime.beamSearch(forkedExec.sequences({ maxSequences: BEAMS }), prompt, options));
  ctx.log(`beam: forked caches ${fmt(forked, 0)} ms`);
  const replayed = await time(() => runtime.beamSearch(new runtime.Replaying(replayExec, BEAMS), prompt, options));
  ctx.log(`beam: replayed histories ${fmt(replayed, 0)} ms`);
  const greedy = await time(async () => {
    for await (const _ of runtime.generate(greedyExec, prompt, { maxTokens: tokens, stopTokens: [] }));
  });
  for (const e of [forkedExec, replayExec, greedyExec]) e.dispose();
  const perSecond = (ms) => fmt((tokens * 1000) / ms);
  const rows = [
    [`${BEAMS} beams, forked caches (batched step)`, fmt(forked, 0), perSecond(forked)],
    [`${BEAMS} beams, replayed histories`, fmt(replayed, 0), perSecond(replayed)],
    ['greedy', fmt(greedy, 0), perSecond(greedy)],
  ];
  const markdown =
    `${shape.name}, a ${prompt.length}-token prompt, ${tokens} steps (no stop token), WebAssembly kernels on one thread, median of ${ctx.runs}.\n` +
    `tokens/s counts steps of the best hypothesis, not the ${BEAMS} beams' tokens.\n\n` +
    table(['decoder', 'ms', 'tokens/s'], rows);
  return { markdown, data: { shape: shape.name, beams: BEAMS, tokens, runs: ctx.runs, forkedMs: forked, replayedMs: replayed, greedyMs: greedy } };
}

await runAlone(import.meta.url, { title, bench });
