// The WebAssembly kernel module: assembled from the text in this folder on first use, compiled once per
// process. Its memory is imported, shared, so worker threads run the same kernels on the same tensors.
import { assemble } from './assemble.js';
import { ACTIVATIONS_WAT } from './activations.wat.js';
import { ATTENTION_WAT } from './attention.wat.js';
import { LINEAR_WAT } from './linear.wat.js';
import { QUANT_LINEAR_WAT } from './quant-linear.wat.js';

/** The most 64 KiB pages a kernel memory may grow to (4 GiB, all that 32-bit addresses reach). */
export const MAX_PAGES = 65536;

/** The exported kernels a thread can be asked to run, by index (workers call them by this index). */
export const TASKS = ['linear', 'attention', 'silu', 'linear_q'] as const;
export type Task = (typeof TASKS)[number];

export const KERNELS_WAT = `(module
  (import "env" "memory" (memory 1 ${MAX_PAGES} shared))
${LINEAR_WAT}
${QUANT_LINEAR_WAT}
${ATTENTION_WAT}
${ACTIVATIONS_WAT}
)`;

let compiled: WebAssembly.Module | null | undefined;

/**
 * Compiles the kernel module ahead, asynchronously. Node compiles it on first use without this; a
 * browser's main thread may refuse to compile modules over 4 KiB synchronously, so call this first there.
 */
export async function prepareKernels(): Promise<boolean> {
  if (compiled === undefined) {
    try {
      compiled = supported() ? await WebAssembly.compile(assemble(KERNELS_WAT)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled !== null;
}

function supported(): boolean {
  return typeof WebAssembly === 'object' && typeof SharedArrayBuffer === 'function';
}

/**
 * The compiled kernel module, or null where this JavaScript engine lacks what it needs (WebAssembly
 * with SIMD and threads, and SharedArrayBuffer, which browsers give only to cross-origin isolated pages).
 */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    if (!supported()) return (compiled = null);
    compiled = new WebAssembly.Module(assemble(KERNELS_WAT));
  } catch {
    compiled = null;
  }
  return compiled;
}
