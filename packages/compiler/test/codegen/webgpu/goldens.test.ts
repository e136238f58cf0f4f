// The WGSL kernels and plan generated for every model in models/ match their golden files, which are
// reviewed as diffs and regenerated only on purpose (UPDATE_GOLDENS=1); a missing golden fails. Models
// run with 2 layers (4 for Flamingo, whose cross-attention sits in every 4th) to keep the goldens short:
// kernels do not depend on the depth. LLaMA is also generated with f16 and with bf16 weights.
// Each distinct kernel source is stored once, in goldens/kernels/NAME.HASH.wgsl; a model's folder has
// its plan.json and kernels.txt, the index of the kernels it uses (`kernels/NAME.wgsl STORED`).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource, formatPlan, generateWebGpu } from '../../../src/index.js';

const ROOT = new URL('../../../../..', import.meta.url).pathname;
const GOLDENS = new URL('./goldens', import.meta.url).pathname;
const KERNELS = join(GOLDENS, 'kernels');
const UPDATE = !!process.env['UPDATE_GOLDENS'];
const MODELS = readdirSync(join(ROOT, 'models')).filter((f) => f.endsWith('.tdl')).sort();
/** Layers to generate with: enough for every kind of layer the model has. */
const LAYERS: Record<string, number> = { 'flamingo.tdl': 4 };
const CASES = [
  ...MODELS.map((file) => ({ file, weights: 'f32' as const })),
  { file: 'llama.tdl', weights: 'f16' as const },
  { file: 'llama.tdl', weights: 'bf16' as const },
];

function generated(file: string, weights: 'f32' | 'f16' | 'bf16') {
  const name = `models/${file}`;
  const result = checkSource({ name, text: readFileSync(join(ROOT, name), 'utf8') }, { overrides: { layers: LAYERS[file] ?? 2 } });
  expect(result.ok).toBe(true);
  const { plan, kernels } = generateWebGpu(result.graph!, { weights });
  return { plan: formatPlan(plan), kernels: plan.kernels.map((k) => ({ file: k.file, name: k.name, text: kernels[k.name]! })) };
}

/** Where a kernel's source is stored: by its name and a hash of its text. */
function stored(name: string, text: string): string {
  return `${name}.${createHash('sha256').update(text).digest('hex').slice(0, 12)}.wgsl`;
}

function check(path: string, text: string): void {
  if (UPDATE) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path)) throw new Error(`golden ${path} is missing: generate it on purpose with UPDATE_GOLDENS=1 and review it`);
  expect(text, path).toBe(readFileSync(path, 'utf8'));
}

const used = new Set<string>();

describe('WebGPU goldens', () => {
  it.each(CASES)('$file ($weights weights)', ({ file, weights }) => {
    const dir = join(GOLDENS, file.replace(/\.tdl$/, '') + (weights === 'f32' ? '' : `-${weights}`));
    const { plan, kernels } = generated(file, weights);
    if (UPDATE) rmSync(dir, { recursive: true, force: true });
    check(join(dir, 'plan.json'), plan);
    check(join(dir, 'kernels.txt'), kernels.map((k) => `${k.file} ${stored(k.name, k.text)}\n`).join(''));
    expect(readdirSync(dir).sort()).toEqual(['kernels.txt', 'plan.json']);
    for (const k of kernels) {
      const name = stored(k.name, k.text);
      used.add(name);
      check(join(KERNELS, name), k.text);
    }
  });

  it('stores no kernel that no model uses', () => {
    const unused = readdirSync(KERNELS).filter((f) => !used.has(f));
    if (UPDATE) for (const f of unused) rmSync(join(KERNELS, f));
    else expect(unused).toEqual([]);
  });
});
