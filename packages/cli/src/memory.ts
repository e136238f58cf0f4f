// Refuses, before anything large is allocated, a CPU run whose weights, KV cache and workspace do not
// fit the machine's memory: one line with both figures instead of an allocation failure a minute later.
import { totalmem } from 'node:os';
import { analyze, modelVocab, type Graph } from '@tdl/compiler';
import { UsageError, type MatrixDtype } from '@tdl/runtime';
import { bytes } from '@tdl/language-service';

/** The machine's memory: `TDL_MEMORY_BYTES` when set (to try the check on any machine), else os.totalmem(). */
export function machineMemory(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const given = env['TDL_MEMORY_BYTES'];
  if (given === undefined) return totalmem();
  const n = Number(given);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`TDL_MEMORY_BYTES must be a whole number of bytes, got '${given}'`);
  return n;
}

export interface MemoryNeed {
  readonly weights: number;
  readonly kvCache: number;
  /** The logits of a whole-context prompt, f32, the largest buffer a run makes besides the cache. */
  readonly workspace: number;
  readonly context: number;
  readonly total: number;
}

/**
 * What a CPU run holds at once: the weights in their dtype (16-bit formats halve every parameter, an
 * estimate from above for the matrices they apply to), the f32 KV cache of the whole context, and the
 * logits of a whole-context prompt. q8_0 and q4_0 (8.5 and 4.5 bits a weight) are counted at 16 bits, from
 * above too: loading holds one matrix in f32 while it quantizes it.
 */
export function memoryNeed(graph: Graph, weightDtype: MatrixDtype): MemoryNeed {
  const info = analyze(graph);
  const weights = weightDtype === 'f32' ? info.weightBytes.f32 : info.weightBytes.f16;
  const kvCache = info.kvCache.fullContext.f32;
  const workspace = info.costs.context * modelVocab(graph) * 4;
  return { weights, kvCache, workspace, context: info.costs.context, total: weights + kvCache + workspace };
}

/** Throws a UsageError naming both figures when the run cannot fit in `available` bytes. */
export function checkMemory(graph: Graph, weightDtype: MatrixDtype, available = machineMemory()): void {
  const need = memoryNeed(graph, weightDtype);
  if (need.total <= available) return;
  const smaller = weightDtype === 'f32' ? ' (--weight-dtype bf16 halves the weights)' : '';
  throw new UsageError(
    `model '${graph.name}' needs ${bytes(need.total)} (weights ${bytes(need.weights)} ${weightDtype}, KV cache ${bytes(need.kvCache)} at ${need.context.toLocaleString('en-US')} tokens, ` +
      `workspace ${bytes(need.workspace)}), but this machine has ${bytes(available)} of memory${smaller}`,
  );
}
