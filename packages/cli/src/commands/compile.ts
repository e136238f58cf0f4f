// tdl compile: writes the generated code for a target into a folder.
import { join } from 'node:path';
import { formatPlan, generateCpuModule, generateWebGpu, hfArchitecture, onnxRefusal } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget, withFolderWeights, type ModelTarget } from '../folder.js';
import { writeAtomic, type CliIO } from '../io.js';
import { parseWeightDtype, webGpuWeightFormat } from '../backend.js';
import { loadGraph, loadModel, requireFile } from '../model.js';
import { externalThreshold, ONNX_FLAGS, onnxWeights, parseOnnxOps, writeOnnx } from '../onnx.js';
import { WEIGHT_FLAGS } from '../session.js';

/** The weight flags that say which weights an ONNX export holds. */
const EXPORT_WEIGHT_FLAGS = WEIGHT_FLAGS.filter((f) => f.name === 'weights' || f.name === 'naming' || f.name === 'init-seed');
const ONNX_ONLY = [...EXPORT_WEIGHT_FLAGS, ...ONNX_FLAGS].map((f) => f.name);

export const compileSpec: CommandSpec = {
  name: 'compile',
  args: 'FILE|DIR --out DIR',
  summary:
    'Generate code for a model: for the CPU, one TypeScript module calling @tdl/runtime-cpu; for WebGPU, DIR/NAME/plan.json (buffers and dispatches) and its WGSL kernels in DIR/NAME/kernels/; for ONNX, DIR/model.onnx with its weights (Hugging Face optimum\'s decoder layout, docs/onnx.md) and the loaders\' DIR/config.json and DIR/genai_config.json.',
  flags: [
    { name: 'target', type: 'string', value: 'cpu|webgpu|onnx', default: 'cpu', doc: 'what to generate' },
    { name: 'out', type: 'string', value: 'DIR', doc: 'folder to write into (created if missing)' },
    {
      name: 'weight-dtype',
      type: 'string',
      value: 'f32|f16|bf16',
      default: 'f32',
      doc: 'webgpu: matrix weights in f32, or in f16 or bf16 two to a 32-bit word (the CPU chooses when it runs); onnx: f32 or f16 (weights of rank 2 stored f16, computed in f32)',
    },
    ...EXPORT_WEIGHT_FLAGS.map((f) => ({ ...f, doc: `onnx: ${f.doc}` })),
    ...ONNX_FLAGS,
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runCompile(given: ParsedArgs, io: CliIO): Promise<number> {
  const model = resolveTarget(requireFile(given.positionals, 'compile'), given);
  const file = model.file;
  // Only an ONNX export holds weights: the folder's checkpoint goes there.
  const args = stringFlag(given, 'target') === 'onnx' ? withFolderWeights(given, model) : given;
  const kind = stringFlag(args, 'target') ?? 'cpu';
  const out = stringFlag(args, 'out');
  if (!out) throw new UsageError('tdl compile needs --out DIR');
  if (kind !== 'cpu' && kind !== 'webgpu' && kind !== 'onnx') throw new UsageError(`unknown --target '${kind}': use cpu, webgpu or onnx`);
  const dtype = parseWeightDtype(stringFlag(args, 'weight-dtype'));
  if (stringFlag(args, 'weight-dtype') !== undefined && kind === 'cpu') {
    throw new UsageError('--weight-dtype is for --target webgpu or onnx: the CPU module takes its weight dtype when it runs (tdl run --weight-dtype)');
  }
  const misplaced = kind === 'onnx' ? undefined : ONNX_ONLY.find((name) => args.values[name] !== undefined);
  if (misplaced) throw new UsageError(`--${misplaced} is for --target onnx`);
  if (kind === 'onnx') return compileOnnx(model, out, dtype, args, io);
  const graph = loadGraph(io, file, model.overrides);
  if (kind === 'cpu') {
    const path = join(out, `${graph.name}.ts`);
    writeAtomic(path, generateCpuModule(graph, file).typescript);
    io.stdout.write(`${path}\n`);
    return 0;
  }
  const { plan, kernels } = generateWebGpu(graph, { weights: webGpuWeightFormat(dtype) });
  const dir = join(out, graph.name);
  // The kernels first and the plan last: a plan on disk always has its kernels beside it.
  for (const k of plan.kernels) writeAtomic(join(dir, k.file), kernels[k.name]!);
  const path = join(dir, 'plan.json');
  writeAtomic(path, formatPlan(plan));
  io.stdout.write(`${path}\n`);
  io.stderr.write(`${plan.kernels.length} kernels in ${join(dir, 'kernels')}\n`);
  return 0;
}

async function compileOnnx(model: ModelTarget, out: string, dtype: string, args: ParsedArgs, io: CliIO): Promise<number> {
  const file = model.file;
  if (dtype === 'q8_0' || dtype === 'q4_0') throw new UsageError(`--weight-dtype ${dtype} is not exported to ONNX yet (no MatMulNBits export): use f32 or f16, or run the model on the CPU with --weight-dtype ${dtype}`);
  if (dtype !== 'f32' && dtype !== 'f16') throw new UsageError(`--weight-dtype ${dtype} is not an ONNX export type: use f32 or f16`);
  const ops = parseOnnxOps(stringFlag(args, 'onnx-ops'));
  const threshold = externalThreshold(args);
  const { graph, namings, text } = loadModel(io, file, model.overrides);
  // Refused before any weight is read or drawn.
  const refusal = onnxRefusal(graph);
  if (refusal) throw new UsageError(refusal);
  const weights = await onnxWeights(graph, namings, args, io, model.tied);
  // The Hugging Face class the model reproduces, as its doc or a checkpoint section's comment names it.
  const hf = hfArchitecture(graph.doc ?? '', text);
  const { files, exported, genaiSkipped } = writeOnnx(out, graph, weights, { ops, weights: dtype, externalThreshold: threshold, ...(hf ? { hf } : {}) });
  const external = files.find((f) => f.endsWith('.onnx_data'));
  io.stdout.write(`${files[files.length - 1]}\n`);
  io.stderr.write(`${exported.model.nodes.length} nodes, ${exported.caches.length} self-attention caches${external ? `, weights in ${external}` : ''}\n`);
  io.stderr.write(`config.json${hf ? ` (model_type ${hf.modelType})` : ' (no Hugging Face model_type: the model names none)'}; ${genaiSkipped ? `no genai_config.json: ${genaiSkipped}` : 'genai_config.json'}\n`);
  return 0;
}
