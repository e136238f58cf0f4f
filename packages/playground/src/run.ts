/// <reference types="@webgpu/types" />
// The Run pane's work: weights (seeded random, as `tdl run` makes them, or a dropped safetensors
// file in any naming of the model), an executor on WebGPU or the CPU's WebAssembly kernels, and
// generation streamed token by token.
import { generateWebGpu, modelManifest, type CheckResult } from '@tdl/compiler';
import { bufferSource, chooseNaming, generate, initWeights, internalPlan, loadNamed, openStore, type Executor, type Timings } from '@tdl/runtime';
import { CpuExecutor, prepareKernels } from '@tdl/runtime-cpu';
import { openWebGpu, WebGpuExecutor, type WebGpuDevice } from '@tdl/runtime-webgpu';
import { loadCpuModule } from './cpu-module.js';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface RunRequest {
  readonly check: CheckResult;
  readonly prompt: readonly number[];
  readonly maxTokens: number;
  readonly initSeed: number;
  readonly backend: BackendChoice;
  /** A safetensors file's bytes and name, instead of seeded random weights. */
  readonly weights?: { readonly name: string; readonly bytes: Uint8Array };
}

export interface RunEvents {
  backend(description: string): void;
  token(id: number): void;
  done(timings: Timings): void;
}

let device: WebGpuDevice | undefined;

async function weightsFor(req: RunRequest): Promise<Map<string, Float32Array>> {
  const graph = req.check.graph!;
  const params = modelManifest(graph).params;
  if (!req.weights) return initWeights(params, req.initSeed);
  const store = await openStore(req.weights.name, [{ name: req.weights.name, source: bufferSource(req.weights.bytes) }]);
  const fit = chooseNaming([internalPlan(params), ...req.check.checkpointPlans], store, { model: graph.name });
  return loadNamed(fit, store, params);
}

async function executorFor(req: RunRequest, weights: Map<string, Float32Array>, events: RunEvents): Promise<Executor> {
  const graph = req.check.graph!;
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (req.backend === 'webgpu' || (req.backend === 'auto' && gpu)) {
    device ??= await openWebGpu(gpu);
    events.backend(`WebGPU: ${device.description}`);
    return WebGpuExecutor.create(device, generateWebGpu(graph), weights);
  }
  const wasm = await prepareKernels();
  events.backend(wasm ? 'CPU: WebAssembly SIMD kernels' : 'CPU: JavaScript kernels (this page is not cross-origin isolated, so no SharedArrayBuffer for WebAssembly)');
  return new CpuExecutor(loadCpuModule(graph), weights, { wasm });
}

/** Lets the page paint: the CPU backend computes a token without returning to the event loop. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Generates greedily from the checked model, as `tdl run --ids … --init-seed …` does. */
export async function runModel(req: RunRequest, events: RunEvents): Promise<void> {
  if (!req.check.ok || !req.check.graph) throw new Error('the model has errors: fix them first');
  const executor = await executorFor(req, await weightsFor(req), events);
  try {
    for await (const e of generate(executor, req.prompt, { maxTokens: req.maxTokens })) {
      if (e.kind === 'token') {
        events.token(e.id);
        await nextTask();
      } else events.done(e.timings);
    }
  } finally {
    executor.dispose();
  }
}
