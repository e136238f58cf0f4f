// tdl compile: writes the generated code for a target into a folder.
import { join } from 'node:path';
import { formatPlan, generateCpuModule, generateWebGpu } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { SET_FLAG, overrides, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { writeAtomic, type CliIO } from '../io.js';
import { parseWeightDtype } from '../backend.js';
import { loadGraph, requireFile } from '../model.js';

export const compileSpec: CommandSpec = {
  name: 'compile',
  args: 'FILE --out DIR',
  summary:
    'Generate code for a model: for the CPU, one TypeScript module calling @tdl/runtime-cpu; for WebGPU, DIR/NAME/plan.json (buffers and dispatches) and its WGSL kernels in DIR/NAME/kernels/.',
  flags: [
    { name: 'target', type: 'string', value: 'cpu|webgpu', default: 'cpu', doc: 'what to generate' },
    { name: 'out', type: 'string', value: 'DIR', doc: 'folder to write into (created if missing)' },
    { name: 'weight-dtype', type: 'string', value: 'f32|f16|bf16', default: 'f32', doc: 'webgpu: matrix weights in f32, or in f16 or bf16 two to a 32-bit word (the CPU chooses when it runs)' },
    SET_FLAG,
  ],
};

export async function runCompile(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'compile');
  const target = stringFlag(args, 'target') ?? 'cpu';
  const out = stringFlag(args, 'out');
  if (!out) throw new UsageError('tdl compile needs --out DIR');
  if (target !== 'cpu' && target !== 'webgpu') throw new UsageError(`unknown --target '${target}': use cpu or webgpu`);
  const dtype = parseWeightDtype(stringFlag(args, 'weight-dtype'));
  if (stringFlag(args, 'weight-dtype') !== undefined && target !== 'webgpu') {
    throw new UsageError('--weight-dtype is for --target webgpu: the CPU module takes its weight dtype when it runs (tdl run --weight-dtype)');
  }
  const graph = loadGraph(io, file, overrides(args));
  if (target === 'cpu') {
    const path = join(out, `${graph.name}.ts`);
    writeAtomic(path, generateCpuModule(graph, file).typescript);
    io.stdout.write(`${path}\n`);
    return 0;
  }
  const { plan, kernels } = generateWebGpu(graph, { weights: dtype });
  const dir = join(out, graph.name);
  // The kernels first and the plan last: a plan on disk always has its kernels beside it.
  for (const k of plan.kernels) writeAtomic(join(dir, k.file), kernels[k.name]!);
  const path = join(dir, 'plan.json');
  writeAtomic(path, formatPlan(plan));
  io.stdout.write(`${path}\n`);
  io.stderr.write(`${plan.kernels.length} kernels in ${join(dir, 'kernels')}\n`);
  return 0;
}
