// Running a subject on the CPU the way every property does: seeded weights, the memory from the seed,
// the logits of every position.
import { Rng } from '@tdl/runtime';
import { CpuExecutor, type CpuOptions } from '@tdl/runtime-cpu';
import type { Case, Host } from './property.js';
import type { Kernels, Subject } from './subject.js';

/** Rows of the memory every case runs with (models with cross-attention), where the model allows them. */
const MEMORY_ROWS = 3;

/** The memory's rows for `subject`: MEMORY_ROWS, or fewer if its memory is bounded below that. */
export function memoryRows(subject: Subject): number {
  return Math.min(MEMORY_ROWS, subject.manifest.memory?.maxLength ?? MEMORY_ROWS);
}

/** A memory [rows, width] for `subject` from a seed, in (-1, 1); empty where it has no memory. */
export function memoryFor(subject: Subject, seed: number): Float32Array {
  const width = subject.manifest.memory?.width ?? 0;
  const rng = new Rng(seed ^ 0x5bd1e995);
  return Float32Array.from({ length: memoryRows(subject) * width }, () => 2 * rng.next() - 1);
}

export function cpuExecutor(subject: Subject, c: Case, host: Host, options: CpuOptions & { kernels?: Kernels } = {}): CpuExecutor {
  const { kernels, ...cpu } = options;
  return new CpuExecutor(subject.module(kernels ?? host.kernels), subject.weights(c.seed), cpu);
}

/** Runs `ids` from an empty cache (after the memory, if any) and returns every position's logits. */
export async function allLogits(ex: CpuExecutor, subject: Subject, ids: readonly number[], memorySeed: number): Promise<Float32Array> {
  ex.reset();
  if (subject.manifest.memory) await ex.setMemory(memoryFor(subject, memorySeed), memoryRows(subject));
  return ex.prefill(Int32Array.from(ids), { allLogits: true });
}

/** Runs `fn` with a fresh executor and disposes of it afterwards. */
export async function withCpu<T>(subject: Subject, c: Case, host: Host, fn: (ex: CpuExecutor) => Promise<T>, options: CpuOptions & { kernels?: Kernels } = {}): Promise<T> {
  const ex = cpuExecutor(subject, c, host, options);
  try {
    return await fn(ex);
  } finally {
    ex.dispose();
  }
}
