// Runs an exported ONNX decoder in onnxruntime-node the way optimum's generation loop does: a prompt
// with an empty past, then one token at a time with the present fed back as the past.
import * as ort from 'onnxruntime-node';
import { encodeOnnx, exportOnnx, type Graph, type OnnxExport, type OnnxExportOptions } from '@tdl/compiler';
import { fromFloat32 } from '@tdl/runtime';

export interface ExportedModel {
  readonly exported: OnnxExport;
  readonly bytes: Uint8Array;
}

/** Exports `graph` with `weights` into memory (no external data). */
export function exportInMemory(graph: Graph, weights: ReadonlyMap<string, Float32Array>, options: OnnxExportOptions = {}): ExportedModel {
  const exported = exportOnnx(graph, options);
  const { model } = encodeOnnx(exported.model, { tensor: (i) => fromFloat32(weights.get(i.param)!, i.dtype === 'f16' ? 'F16' : 'F32') });
  return { exported, bytes: model };
}

export async function ortSession(source: Uint8Array | string, threads = 1): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] };
  return typeof source === 'string' ? ort.InferenceSession.create(source, options) : ort.InferenceSession.create(source, options);
}

const int64 = (values: readonly number[], dims: readonly number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map((v) => BigInt(v))), dims);

/**
 * One model instance in ONNX Runtime with its cache held as the last call's present tensors:
 * `forward(tokens)` runs them after everything before and returns their logits [T, vocab].
 */
export class OrtDecoder {
  private past = new Map<string, ort.Tensor>();
  position = 0;

  constructor(
    readonly session: ort.InferenceSession,
    readonly exported: OnnxExport,
    private readonly memory?: { data: Float32Array; length: number },
  ) {
    for (const c of exported.caches) {
      for (const kv of ['key', 'value']) this.past.set(`past_key_values.${c.index}.${kv}`, new ort.Tensor('float32', new Float32Array(0), [1, c.kvHeads, 0, c.headDim]));
    }
  }

  async forward(tokens: readonly number[]): Promise<Float32Array> {
    const T = tokens.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(tokens, [1, T]),
      attention_mask: int64(new Array<number>(this.position + T).fill(1), [1, this.position + T]),
      position_ids: int64(
        tokens.map((_, i) => this.position + i),
        [1, T],
      ),
      ...Object.fromEntries(this.past),
    };
    if (this.exported.memory) {
      const m = this.memory!;
      feeds['encoder_hidden_states'] = new ort.Tensor('float32', m.data, [1, m.length, this.exported.memory.width]);
    }
    const out = await this.session.run(feeds);
    for (const c of this.exported.caches) for (const kv of ['key', 'value']) this.past.set(`past_key_values.${c.index}.${kv}`, out[`present.${c.index}.${kv}`]!);
    this.position += T;
    return out['logits']!.data as Float32Array;
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function argmax(x: Float32Array, from = 0, to = x.length): number {
  let best = from;
  for (let i = from; i < to; i++) if (x[i]! > x[best]!) best = i;
  return best - from;
}
