// The backends a model runs on, behind one switch: the CPU (generated TypeScript) or WebGPU (WGSL and a plan).
import { generateWebGpu, type Graph } from '@tdl/compiler';
import { isQuantFormat, MATRIX_DTYPES, UsageError, type Executor, type MatrixDtype, type WeightFormat, type WeightMap } from '@tdl/runtime';
import { CpuExecutor, StagedWeights, type CpuOptions, type GeneratedModule } from '@tdl/runtime-cpu';
import { WebGpuExecutor, type WebGpuDevice, type WebGpuProgram } from '@tdl/runtime-webgpu';
import { sharedNodeWebGpu } from './gpu.js';
import { loadCpuModule } from './model.js';

export const BACKENDS = ['cpu', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

/** `--weight-dtype`: how matrix weights are kept in memory (f32 when not given). */
export function parseWeightDtype(value: string | undefined): MatrixDtype {
  const dtype = value ?? 'f32';
  if (!(MATRIX_DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`unknown --weight-dtype '${dtype}': use ${MATRIX_DTYPES.join(', ')}`);
  return dtype as MatrixDtype;
}

/** The float format WebGPU keeps matrices in; the block formats run on the CPU only, so far. */
export function webGpuWeightFormat(dtype: MatrixDtype): WeightFormat {
  if (isQuantFormat(dtype)) throw new UsageError(`--weight-dtype ${dtype} runs on the CPU backend only (WebGPU has no kernels for ggml blocks yet): use f32, f16 or bf16 there`);
  return dtype;
}

export function parseBackend(value: string | undefined): Backend {
  const backend = value ?? 'cpu';
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new UsageError(`unknown --backend '${backend}': use ${BACKENDS.join(' or ')}`);
  return backend as Backend;
}

export interface BackendOptions {
  /** How matrix weights are kept (computed in f32 either way). */
  readonly weightDtype?: MatrixDtype;
  /** WebGPU: a device to run on (tests share one); otherwise one is opened. */
  readonly device?: WebGpuDevice;
  /** CPU: which kernels, and worker threads. */
  readonly cpu?: CpuOptions;
  /** Where notes for the user go (WebGPU: which adapter runs). */
  readonly note?: (text: string) => void;
}

/** Compiles `graph` for the WebGPU backend; the compiler's plan is the runtime's plan (TypeScript checks they agree). */
export function compileForWebGpu(graph: Graph, weights: WeightFormat = 'f32'): WebGpuProgram {
  return generateWebGpu(graph, { weights });
}

/**
 * An executor for `graph` on `backend`, with `weights`: the one switch between backends, so a test
 * written for the CPU runs on WebGPU by changing `backend`. The CPU backend runs `module` when given
 * (the CLI has it loaded already), else compiles one; WebGPU shares one device per process.
 */
export async function openExecutor(
  backend: Backend,
  graph: Graph,
  weights: WeightMap | StagedWeights,
  options: BackendOptions & { module?: GeneratedModule } = {},
): Promise<Executor> {
  const dtype = options.weightDtype ?? 'f32';
  if (backend === 'cpu') return new CpuExecutor(options.module ?? loadCpuModule(graph), weights, { ...options.cpu, weightFormat: dtype });
  if (weights instanceof StagedWeights) throw new Error('internal error: weights staged for the CPU handed to WebGPU');
  const format = webGpuWeightFormat(dtype);
  const device = options.device ?? (await sharedNodeWebGpu(options.note ? { note: options.note } : {}));
  return WebGpuExecutor.create(device, compileForWebGpu(graph, format), weights);
}
