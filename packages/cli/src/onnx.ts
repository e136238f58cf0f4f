// `tdl compile --target onnx`: the model's weights (a checkpoint, or seeded random like `tdl run`),
// exported to DIR/model.onnx, with DIR/model.onnx_data beside it when the weights pass 2 GiB, and the
// loaders' config.json and genai_config.json.
import { join } from 'node:path';
import { encodeOnnx, EXTERNAL_DATA_THRESHOLD, exportOnnx, genaiConfig, hfConfig, type CheckpointPlan, type Graph, type OnnxExport, type OnnxOps, type OnnxWeightType } from '@tdl/compiler';
import { fromFloat32, initWeights, UsageError } from '@tdl/runtime';
import { numberFlag, stringFlag, type FlagSpec, type ParsedArgs } from './flags.js';
import { writeAtomic, type CliIO } from './io.js';
import { loadCheckpoint } from './weights.js';

export const ONNX_OPS: readonly OnnxOps[] = ['standard', 'contrib'];

export const ONNX_FLAGS: readonly FlagSpec[] = [
  { name: 'onnx-ops', type: 'string', value: 'standard|contrib', default: 'standard', doc: "onnx: opset 18's own ops, or ONNX Runtime's fused ops where they apply" },
  { name: 'external-data-threshold', type: 'string', value: 'BYTES', default: '2 GiB less 64 MiB', doc: 'onnx: weights past this many bytes go to DIR/model.onnx_data' },
];

export function parseOnnxOps(raw: string | undefined): OnnxOps {
  const ops = raw ?? 'standard';
  if (!(ONNX_OPS as readonly string[]).includes(ops)) throw new UsageError(`unknown --onnx-ops '${ops}': use ${ONNX_OPS.join(' or ')}`);
  return ops as OnnxOps;
}

export interface OnnxWriteOptions {
  readonly ops: OnnxOps;
  readonly weights: OnnxWeightType;
  readonly externalThreshold: number;
  /** The Hugging Face class the model reproduces (hfArchitecture), for config.json's model_type. */
  readonly hf?: { readonly architecture: string; readonly modelType: string };
}

/**
 * Exports `graph` with `weights` into `dir`; returns the paths written (data first, then the configs, model
 * last) and, when no genai_config.json is written, why.
 */
export function writeOnnx(
  dir: string,
  graph: Graph,
  weights: ReadonlyMap<string, Float32Array>,
  options: OnnxWriteOptions,
): { exported: OnnxExport; files: string[]; genaiSkipped?: string } {
  const exported = exportOnnx(graph, { ops: options.ops, weights: options.weights });
  const encoded = encodeOnnx(exported.model, {
    externalThreshold: options.externalThreshold,
    tensor: (init) => {
      const data = weights.get(init.param);
      if (!data) throw new Error(`internal error: no weights for ${init.param}`);
      return fromFloat32(data, init.dtype === 'f16' ? 'F16' : 'F32');
    },
  });
  const files: string[] = [];
  // The external data first: a model.onnx on disk always has its data beside it.
  if (encoded.external) {
    const path = join(dir, encoded.external.file);
    writeAtomic(path, encoded.external.chunks());
    files.push(path);
  }
  const configOptions = { weights: options.weights, ...(options.hf ? { hf: options.hf } : {}) };
  const json = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
    files.push(path);
  };
  json('config.json', hfConfig(exported, configOptions));
  const genai = genaiConfig(exported, configOptions);
  if ('config' in genai) json('genai_config.json', genai.config);
  const path = join(dir, 'model.onnx');
  writeAtomic(path, [encoded.model]);
  files.push(path);
  return { exported, files, ...('skipped' in genai ? { genaiSkipped: genai.skipped } : {}) };
}

/** The weights `tdl compile --target onnx` exports: from --weights, else seeded random (--init-seed). */
export async function onnxWeights(graph: Graph, namings: readonly CheckpointPlan[], args: ParsedArgs, io: CliIO, tied?: boolean): Promise<Map<string, Float32Array>> {
  const path = stringFlag(args, 'weights');
  const naming = stringFlag(args, 'naming');
  if (naming !== undefined && !path) throw new UsageError('--naming says how a --weights file names its tensors: give --weights too');
  if (!path) return initWeights(graph.params, numberFlag(args, 'init-seed', 0, { integer: true, min: 0 }));
  return (await loadCheckpoint(path, graph.params, namings, { model: graph.name, io, ...(naming !== undefined ? { naming } : {}), ...(tied !== undefined ? { tied } : {}) })).weights;
}

export function externalThreshold(args: ParsedArgs): number {
  return numberFlag(args, 'external-data-threshold', EXTERNAL_DATA_THRESHOLD, { integer: true, min: 0 });
}
