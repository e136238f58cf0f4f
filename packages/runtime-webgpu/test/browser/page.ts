/// <reference lib="dom" />
/// <reference types="@webgpu/types" />
// The browser smoke test's page: compiles a model file and generates tokens with navigator.gpu, using
// the workspace's packages as a web app would (bundled by vite with the `browser` condition).
import { checkSource, generateWebGpu } from '@tdl/compiler';
import { generate, initWeights } from '@tdl/runtime';
import { openWebGpu, WebGpuExecutor } from '../../src/index.js';

export interface PageResult {
  readonly tokens: number[];
  readonly adapter: string;
  readonly kernels: number;
}

async function runModel(source: string, prompt: number[], maxTokens: number, seed: number): Promise<PageResult> {
  const result = checkSource({ name: 'page.tdl', text: source });
  if (!result.ok || !result.graph) throw new Error(`the model does not check: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  const device = await openWebGpu(navigator.gpu);
  const program = generateWebGpu(result.graph);
  const executor = await WebGpuExecutor.create(device, program, initWeights(result.graph.params, seed));
  const tokens: number[] = [];
  for await (const event of generate(executor, prompt, { maxTokens })) if (event.kind === 'token') tokens.push(event.id);
  executor.dispose();
  device.destroy();
  return { tokens, adapter: device.description, kernels: program.plan.kernels.length };
}

(globalThis as unknown as { runModel: typeof runModel }).runModel = runModel;
