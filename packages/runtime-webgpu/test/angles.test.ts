// Rotary and sinusoidal angles stay accurate at large positions: the kernels, run on hand-made plans
// at positions up to 65,535, against the formulas evaluated in double precision. (WGSL lets sin and
// cos be off by 2⁻¹¹, and an angle p·f formed in f32 loses accuracy as p grows; see docs/webgpu.md.)
import { describe, expect, it } from 'vitest';
import { generateWebGpu } from '@tdl/compiler';
import { WebGpuExecutor, type WebGpuPlan, type WebGpuProgram } from '../src/index.js';
import { compileSource } from './support/backends.js';
import { deviceOrSkip } from './support/gpu.js';

const CONTEXT = 65536;
const ROWS = 4;

/** The generated program of a small model with the kernel and constant table we want. */
function generated(body: string) {
  return generateWebGpu(compileSource(`model angles {
  const vocab = 8, context = ${CONTEXT}, d = 16
  input tokens: i32[T <= context]
  ${body}
}`));
}

function program(source: WebGpuProgram, kernel: string, plan: Partial<WebGpuPlan>): WebGpuProgram {
  const k = source.plan.kernels.find((x) => x.name === kernel)!;
  return {
    plan: { ...source.plan, kernels: [k], memory: [], forward: [], tail: [], ...plan },
    kernels: { [kernel]: source.kernels[kernel]! },
  };
}

describe('angles at large positions', () => {
  it.for([0, 1000, 4095, 65531])('rotary embeddings from position %i', async (start, ctx) => {
    const device = await deviceOrSkip(ctx);
    // 2 heads × 8 channels, all rotated, rotate_half layout, θ = 10000.
    const source = generated('x = embed: embedding(tokens, vocab, d)\n  output logits = head: linear(x + attention(x, 2, pos = rope()), vocab)');
    const turns = source.plan.buffers.find((b) => b.role === 'constant' && b.name.startsWith('rope'))!;
    const kernel = source.plan.kernels.find((k) => k.name.startsWith('rope_2x8'))!.name;
    const handMade = program(source, kernel, {
      model: { ...source.plan.model, memory: { name: 'x', width: 16 }, params: [] },
      buffers: [
        { name: 'tokens', role: 'tokens', dtype: 'i32', elements: 'R', shape: '[R]' },
        { name: 'x', role: 'memory', dtype: 'f32', elements: 'S * 16', shape: '[S, 16]' },
        turns,
        { name: 'logits', role: 'logits', dtype: 'f32', elements: 'tail * 8', shape: '[tail, 8]' },
      ],
      uniforms: [{ rows: 'S', start: String(start), keys: '0', inputs: '0', outputs: '0' }],
      inputs: { tokens: 'tokens', memory: 'x' },
      memory: [{ op: 'dispatch', name: 'rope', kernel, uniform: 0, bindings: ['x', turns.name], workgroups: ['1', '1'] }],
    });
    const executor = await WebGpuExecutor.create(device, handMade, new Map());
    try {
      const x = Float32Array.from({ length: ROWS * 16 }, (_, i) => Math.sin(1 + i * 0.7));
      await executor.setMemory(x, ROWS);
      const rotated = new Float32Array(await executor.readBuffer('x'));
      let worst = 0;
      for (let r = 0; r < ROWS; r++) {
        for (let h = 0; h < 2; h++) {
          for (let k = 0; k < 4; k++) {
            const angle = (start + r) / Math.pow(10000, (2 * k) / 8);
            const [a, b] = [r * 16 + h * 8 + k, r * 16 + h * 8 + k + 4];
            worst = Math.max(
              worst,
              Math.abs(rotated[a]! - (x[a]! * Math.cos(angle) - x[b]! * Math.sin(angle))),
              Math.abs(rotated[b]! - (x[a]! * Math.sin(angle) + x[b]! * Math.cos(angle))),
            );
          }
        }
      }
      expect(worst).toBeLessThan(2e-6);
    } finally {
      executor.dispose();
    }
  });

  it.for([0, 1000, 65531])('the sinusoidal table from position %i', async (start, ctx) => {
    const device = await deviceOrSkip(ctx);
    const source = generated('output logits = head: linear(sinusoidal(positions(T), d), vocab)');
    const turns = source.plan.buffers.find((b) => b.role === 'constant')!;
    const sinusoidal = source.plan.kernels.find((k) => k.name.startsWith('sinusoidal'))!;
    const positions = source.plan.kernels.find((k) => k.name === 'positions')!;
    const handMade: WebGpuProgram = {
      plan: {
        ...source.plan,
        model: { ...source.plan.model, vocab: 16, params: [] },
        kernels: [positions, sinusoidal],
        buffers: [
          { name: 'tokens', role: 'tokens', dtype: 'i32', elements: 'R', shape: '[R]' },
          { name: 'positions', role: 'activation', dtype: 'i32', elements: 'tail', shape: '[tail]' },
          turns,
          { name: 'logits', role: 'logits', dtype: 'f32', elements: 'tail * 16', shape: '[tail, 16]' },
        ],
        uniforms: [{ rows: 'tail', start: String(start), keys: '0', inputs: '0', outputs: '0' }],
        memory: [],
        forward: [],
        tail: [
          { op: 'dispatch', name: 'positions', kernel: 'positions', uniform: 0, bindings: ['positions'], workgroups: ['1', '1'] },
          { op: 'dispatch', name: 'sinusoidal', kernel: sinusoidal.name, uniform: 0, bindings: ['positions', turns.name, 'logits'], workgroups: ['1', '1'] },
        ],
      },
      kernels: { positions: source.kernels['positions']!, [sinusoidal.name]: source.kernels[sinusoidal.name]! },
    };
    const executor = await WebGpuExecutor.create(device, handMade, new Map());
    try {
      const table = await executor.prefill(new Int32Array(ROWS), { allLogits: true });
      let worst = 0;
      for (let r = 0; r < ROWS; r++) {
        for (let c = 0; c < 16; c++) {
          const angle = (start + r) / Math.pow(10000, (c - (c % 2)) / 16);
          worst = Math.max(worst, Math.abs(table[r * 16 + c]! - (c % 2 ? Math.cos(angle) : Math.sin(angle))));
        }
      }
      expect(worst).toBeLessThan(1e-6);
    } finally {
      executor.dispose();
    }
  });
});
