// Checks a model against the device's limits before anything runs: every buffer's size, every
// kernel's workgroup memory and threads, and the row capacity that keeps row-sized buffers in bounds.
import type { Symbols } from './expr.js';
import type { ConcreteBuffer } from './buffers.js';
import { LimitError } from './errors.js';
import type { PlanKernel } from '@tdl/runtime/contract/webgpu';

const fmt = (n: number) => n.toLocaleString('en-US');

/** The largest binding a buffer may have: storage bindings and whole buffers both count. */
function bufferLimit(limits: GPUSupportedLimits): { value: number; name: string } {
  return limits.maxStorageBufferBindingSize <= limits.maxBufferSize
    ? { value: limits.maxStorageBufferBindingSize, name: 'maxStorageBufferBindingSize' }
    : { value: limits.maxBufferSize, name: 'maxBufferSize' };
}

function describe(b: ConcreteBuffer, layers: number): string {
  return `buffer '${b.plan.name}' ${b.plan.shape}${b.layer !== undefined ? ` (one in each of ${layers} layers)` : ''}`;
}

/** Throws a LimitError naming the first buffer of `buffers` that is larger than the device allows at `symbols`. */
export function checkBuffers(buffers: readonly ConcreteBuffer[], symbols: Symbols, limits: GPUSupportedLimits, what = ''): void {
  const limit = bufferLimit(limits);
  for (const b of buffers) {
    const bytes = b.bytes(symbols);
    if (bytes > limit.value) {
      throw new LimitError(
        `${describe(b, b.plan.layers?.length ?? 0)}${what} needs ${fmt(bytes)} bytes, more than this adapter's ${limit.name} (${fmt(limit.value)} bytes)`,
      );
    }
  }
}

export function checkKernels(kernels: readonly PlanKernel[], limits: GPUSupportedLimits): void {
  for (const k of kernels) {
    if (k.workgroupStorage > limits.maxComputeWorkgroupStorageSize) {
      throw new LimitError(
        `kernel '${k.name}' needs ${fmt(k.workgroupStorage)} bytes of workgroup memory, more than this adapter's maxComputeWorkgroupStorageSize (${fmt(limits.maxComputeWorkgroupStorageSize)})`,
      );
    }
    if (k.invocations > limits.maxComputeInvocationsPerWorkgroup) {
      throw new LimitError(`kernel '${k.name}' runs ${k.invocations} threads per workgroup, more than this adapter's maxComputeInvocationsPerWorkgroup (${limits.maxComputeInvocationsPerWorkgroup})`);
    }
    const storage = k.bindings.filter((b) => b !== 'uniform').length;
    if (storage > limits.maxStorageBuffersPerShaderStage) {
      throw new LimitError(`kernel '${k.name}' binds ${storage} storage buffers, more than this adapter's maxStorageBuffersPerShaderStage (${limits.maxStorageBuffersPerShaderStage})`);
    }
  }
}

/**
 * The most rows one call can run: at most `wanted`, and few enough that every row-sized buffer fits
 * (buffer sizes grow linearly with the rows). Throws naming the buffer if not even one row fits.
 */
export function rowCapacity(buffers: readonly ConcreteBuffer[], wanted: number, limits: GPUSupportedLimits): number {
  const limit = bufferLimit(limits);
  let capacity = Math.min(wanted, limits.maxComputeWorkgroupsPerDimension);
  for (const b of buffers) {
    if (b.sizeClass !== 'rows') continue;
    const at = (rows: number) => b.bytes({ R: rows, tail: rows, past: 0, S: 0 });
    if (at(1) > limit.value) checkBuffers([b], { R: 1, tail: 1, past: 0, S: 0 }, limits, ' for a single row');
    const perRow = at(2) - at(1);
    if (perRow > 0) capacity = Math.min(capacity, Math.max(1, Math.floor((limit.value - at(1)) / perRow) + 1));
  }
  return capacity;
}
