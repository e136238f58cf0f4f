// Sets up a model to run: compiled for a backend, with weights (a file or seeded random) and a memory.
import { modelManifest, type CheckpointPlan, type Graph } from '@tdl/compiler';
import { initWeights, UsageError, type Executor, type NamingFit, type TensorStore } from '@tdl/runtime';
import { checkMemory } from './memory.js';
import { sizesHint, type SizesContext } from './sizes.js';
import { Arena, CpuExecutor, type CpuOptions } from '@tdl/runtime-cpu';
import { openExecutor, parseBackend, parseWeightDtype, webGpuWeightFormat } from './backend.js';
import { numberFlag, stringFlag, type FlagSpec, type ParsedArgs } from './flags.js';
import type { CliIO } from './io.js';
import { loadCpuModule } from './model.js';
import { CORES, nodeThreads } from './threads.js';
import { checkCheckpoint, loadCheckpoint, loadMemory } from './weights.js';

export const WEIGHT_FLAGS: readonly FlagSpec[] = [
  { name: 'weights', type: 'string', value: 'FILE', default: 'seeded random weights', doc: 'safetensors checkpoint: a file, a sharded index (.index.json) or a folder' },
  { name: 'naming', type: 'string', value: 'NAME', default: 'the one the file fits', doc: "how the checkpoint names tensors: 'internal' or a checkpoint section of the model" },
  { name: 'init-seed', type: 'string', value: 'N', default: '0', doc: 'seed of the random weights when no --weights' },
  { name: 'memory', type: 'string', value: 'FILE', doc: "safetensors file with one [S, width] tensor 'memory', for models with cross-attention" },
  { name: 'backend', type: 'string', value: 'cpu|webgpu', default: 'cpu', doc: 'where to run' },
  { name: 'kernels', type: 'string', value: 'wasm|js', default: 'wasm (js for weights over 3 GiB)', doc: 'CPU kernels: WebAssembly SIMD, or plain JavaScript' },
  { name: 'threads', type: 'string', value: 'N', default: 'every core', doc: 'CPU threads for the WebAssembly kernels' },
  {
    name: 'weight-dtype',
    type: 'string',
    value: 'f32|f16|bf16|q8_0|q4_0',
    default: 'f32',
    doc: "how matrix weights are kept: 16 bits halve memory and bytes read per token, arithmetic stays f32; q8_0 and q4_0 (CPU only) quantize them at load to llama.cpp's blocks of 32 (8.5 and 4.5 bits a weight)",
  },
];

export interface Session {
  readonly executor: Executor;
  readonly memory?: { data: Float32Array; length: number };
}

/** How a checkpoint is read beyond its naming: the head's tie, and what to say when its sizes misfit. */
export interface LoadFacts {
  /** Whether the model's config.json ties the head to the embedding, when a folder gave one. */
  readonly tied?: boolean;
  /** The model as checked, so a misfit of sizes can name the constants (see sizes.ts). */
  readonly sizes?: SizesContext;
}

/** `namings`: the plans of the model's checkpoint sections, for `--weights` in their naming. */
export async function openSession(graph: Graph, args: ParsedArgs, io: CliIO, namings: readonly CheckpointPlan[] = [], facts: LoadFacts = {}): Promise<Session> {
  const { tied, sizes } = facts;
  const backend = parseBackend(stringFlag(args, 'backend'));
  const kernels = stringFlag(args, 'kernels');
  if (kernels !== undefined && kernels !== 'wasm' && kernels !== 'js') throw new UsageError(`unknown --kernels '${kernels}': use wasm or js`);
  if (backend !== 'cpu' && (kernels !== undefined || stringFlag(args, 'threads') !== undefined)) {
    throw new UsageError('--kernels and --threads are for the CPU backend');
  }
  const threads = numberFlag(args, 'threads', CORES, { integer: true, min: 1 });
  // The manifest comes from the compiler for every backend; only the CPU builds (and transpiles) its module.
  const manifest = modelManifest(graph);
  const weightsPath = stringFlag(args, 'weights');
  const params = manifest.params;
  if (!weightsPath && io.stderr.isTTY && params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0) > 50_000_000) {
    io.stderr.write('tdl: making seeded random weights (no --weights given)…\n');
  }
  const naming = stringFlag(args, 'naming');
  if (naming !== undefined && !weightsPath) throw new UsageError('--naming says how a --weights file names its tensors: give --weights too');
  const weightDtype = parseWeightDtype(stringFlag(args, 'weight-dtype'));
  if (backend === 'webgpu') webGpuWeightFormat(weightDtype); // refused before any weight is read
  const explain = sizes ? { explain: (best: NamingFit, store: TensorStore) => sizesHint(sizes, graph, best, store) } : {};
  const loadOptions = { model: graph.name, io, ...(naming !== undefined ? { naming } : {}), ...(tied !== undefined ? { tied } : {}), ...explain };
  // Before a byte is allocated: a checkpoint that does not fit (its headers tell), then a run that cannot
  // fit the machine's memory, are refused at once.
  if (weightsPath) await checkCheckpoint(weightsPath, params, namings, loadOptions);
  if (backend === 'cpu') checkMemory(graph, weightDtype);
  const module = backend === 'cpu' ? loadCpuModule(graph) : undefined;
  const cpu: CpuOptions = { ...(kernels ? { wasm: kernels === 'wasm' } : {}), threads: nodeThreads(threads), weightFormat: weightDtype };
  // On the CPU's WebAssembly kernels each matrix is packed into the arena as it loads, so its loaded
  // array can go before the next is read: peak memory near the weights' size instead of twice it.
  const staged = module ? CpuExecutor.stage(module, cpu) : undefined;
  let executor: Executor;
  try {
    const onParam = staged ? (name: string, data: Float32Array) => staged.put(name, data) : undefined;
    const loaded = weightsPath
      ? (await loadCheckpoint(weightsPath, params, namings, { ...loadOptions, ...(onParam ? { onParam } : {}) })).weights
      : initWeights(params, numberFlag(args, 'init-seed', 0, { integer: true, min: 0 }), onParam);
    executor = await openExecutor(backend, graph, staged ?? loaded, { ...(module ? { module } : {}), weightDtype, cpu, note: (text) => io.stderr.write(text) });
  } catch (e) {
    staged?.dispose();
    throw e;
  }
  if (executor instanceof CpuExecutor && !executor.wasm && kernels === undefined && Arena.supported) {
    io.stderr.write("tdl: the f32 weights do not fit the WebAssembly kernels' 4 GiB memory: running the JavaScript kernels (slower); --weight-dtype bf16 halves them\n");
  }
  try {
    const memoryPath = stringFlag(args, 'memory');
    const memorySpec = manifest.memory;
    if (memoryPath && !memorySpec) throw new UsageError(`model '${graph.name}' has no memory input; drop --memory`);
    if (!memorySpec) return { executor };
    if (!memoryPath) throw new UsageError(`model '${graph.name}' attends to a memory '${memorySpec.name}' [S, ${memorySpec.width}]: give it with --memory FILE`);
    return { executor, memory: await loadMemory(memoryPath, memorySpec.width) };
  } catch (e) {
    executor.dispose();
    throw e;
  }
}
