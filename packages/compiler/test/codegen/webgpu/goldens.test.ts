// The WGSL kernels and plan generated for every model in models/ match their golden files, which are
// reviewed as diffs and regenerated only on purpose (UPDATE_GOLDENS=1). Models run with 2 layers (4 for
// Flamingo, whose cross-attention sits in every 4th) to keep the goldens short: kernels do not depend on
// the depth. LLaMA is also generated with f16 weights, and with bf16 weights, whose golden keeps the plan
// and the kernels that read weights (the others are those of the f16 golden).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource, formatPlan, generateWebGpu } from '../../../src/index.js';

const ROOT = new URL('../../../../..', import.meta.url).pathname;
const GOLDENS = new URL('./goldens', import.meta.url).pathname;
const MODELS = readdirSync(join(ROOT, 'models')).filter((f) => f.endsWith('.tdl')).sort();
/** Layers to generate with: enough for every kind of layer the model has. */
const LAYERS: Record<string, number> = { 'flamingo.tdl': 4 };
const CASES = [
  ...MODELS.map((file) => ({ file, weights: 'f32' as const, only: /./ })),
  { file: 'llama.tdl', weights: 'f16' as const, only: /./ },
  { file: 'llama.tdl', weights: 'bf16' as const, only: /^plan\.json$|_bf16\.wgsl$/ },
];

function generated(file: string, weights: 'f32' | 'f16' | 'bf16', only: RegExp): Map<string, string> {
  const name = `models/${file}`;
  const result = checkSource({ name, text: readFileSync(join(ROOT, name), 'utf8') }, { overrides: { layers: LAYERS[file] ?? 2 } });
  expect(result.ok).toBe(true);
  const { plan, kernels } = generateWebGpu(result.graph!, { weights });
  const files = new Map([['plan.json', formatPlan(plan)]]);
  for (const k of plan.kernels) files.set(k.file, kernels[k.name]!);
  return new Map([...files].filter(([path]) => only.test(path)));
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('WebGPU goldens', () => {
  it.each(CASES)('$file ($weights weights)', ({ file, weights, only }) => {
    const dir = join(GOLDENS, file.replace(/\.tdl$/, '') + (weights === 'f32' ? '' : `-${weights}`));
    const files = generated(file, weights, only);
    if (process.env['UPDATE_GOLDENS'] || !existsSync(dir)) {
      rmSync(dir, { recursive: true, force: true });
      for (const [path, text] of files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    }
    expect(listFiles(dir).map((f) => relative(dir, f)).sort()).toEqual([...files.keys()].sort());
    for (const [path, text] of files) expect(text, path).toBe(readFileSync(join(dir, path), 'utf8'));
  });
});
