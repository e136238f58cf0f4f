// Limit checks: a buffer or kernel over the device's limits is refused with its name, size and the
// limit; the row capacity shrinks until every row-sized buffer fits.
import { describe, expect, it } from 'vitest';
import { concreteBuffers } from '../src/buffers.js';
import { LimitError } from '../src/errors.js';
import { checkBuffers, checkKernels, rowCapacity } from '../src/limits.js';
import type { PlanBuffer, PlanKernel } from '@tdl/runtime/contract/webgpu';

const MiB = 1 << 20;

function limits(overrides: Partial<Record<keyof GPUSupportedLimits, number>> = {}): GPUSupportedLimits {
  return {
    maxBufferSize: 256 * MiB,
    maxStorageBufferBindingSize: 128 * MiB,
    maxComputeWorkgroupStorageSize: 16384,
    maxComputeInvocationsPerWorkgroup: 256,
    maxStorageBuffersPerShaderStage: 8,
    maxComputeWorkgroupsPerDimension: 65535,
    ...overrides,
  } as unknown as GPUSupportedLimits;
}

const buffer = (name: string, elements: string, extra: Partial<PlanBuffer> = {}): PlanBuffer => ({ name, role: 'activation', dtype: 'f32', elements, shape: '[…]', ...extra });
const none = { R: 0, past: 0, S: 0, tail: 0 };

describe('limits', () => {
  it('names a weight larger than the largest binding, with its size and the limit', () => {
    const table = concreteBuffers([buffer('wte.weight', String(50257 * 768), { role: 'weight', shape: '[50257, 768]' })]);
    expect(() => checkBuffers(table, none, limits())).toThrow(LimitError);
    expect(() => checkBuffers(table, none, limits())).toThrow(
      "buffer 'wte.weight' [50257, 768] needs 154,389,504 bytes, more than this adapter's maxStorageBufferBindingSize (134,217,728 bytes)",
    );
    expect(() => checkBuffers(table, none, limits({ maxStorageBufferBindingSize: 200 * MiB }))).not.toThrow();
    // f16 weights take half the bytes.
    expect(() => checkBuffers(concreteBuffers([buffer('wte.weight', String(50257 * 768), { role: 'weight', dtype: 'f16' })]), none, limits())).not.toThrow();
  });

  it('names a per-layer buffer once, saying it is in every layer', () => {
    const cache = concreteBuffers([buffer('h.{i}.attn.keys', String(4097 * 8192), { role: 'cache', layers: [0, 1, 2], shape: '[4097, 8192]' })]);
    expect(cache.map((b) => b.name)).toEqual(['h.0.attn.keys', 'h.1.attn.keys', 'h.2.attn.keys']);
    expect(() => checkBuffers(cache, none, limits())).toThrow(/^buffer 'h\.\{i\}\.attn\.keys' \[4097, 8192\] \(one in each of 3 layers\) needs 134,250,496 bytes/);
  });

  it('checks memory-sized buffers at the memory length given', () => {
    const keys = concreteBuffers([buffer('x.memory_keys', 'S * 4096', { role: 'cache' })]);
    expect(() => checkBuffers(keys, { ...none, S: 8192 }, limits(), ' for a memory of 8192 rows')).not.toThrow();
    expect(() => checkBuffers(keys, { ...none, S: 8193 }, limits(), ' for a memory of 8193 rows')).toThrow(/for a memory of 8193 rows needs 134,234,112 bytes/);
  });

  it('shrinks the row capacity until every row-sized buffer fits', () => {
    const buffers = concreteBuffers([buffer('logits', 'tail * 50257'), buffer('x', 'R * 768'), buffer('table', '1000')]);
    expect(rowCapacity(buffers, 256, limits())).toBe(256);
    const tight = limits({ maxStorageBufferBindingSize: 50257 * 4 * 100 + 12 });
    expect(rowCapacity(buffers, 256, tight)).toBe(100);
    expect(rowCapacity(buffers, 256, limits({ maxComputeWorkgroupsPerDimension: 64 }))).toBe(64);
    expect(() => rowCapacity(buffers, 256, limits({ maxStorageBufferBindingSize: 100_000 }))).toThrow(
      "buffer 'logits' […] for a single row needs 201,028 bytes, more than this adapter's maxStorageBufferBindingSize (100,000 bytes)",
    );
  });

  it('names a kernel over the workgroup memory, thread or binding limits', () => {
    const kernel: PlanKernel = { name: 'attention_8x512', file: 'k.wgsl', bindings: ['uniform', 'read', 'read-write'], invocations: 64, workgroupStorage: 20000 };
    expect(() => checkKernels([kernel], limits())).toThrow(
      "kernel 'attention_8x512' needs 20,000 bytes of workgroup memory, more than this adapter's maxComputeWorkgroupStorageSize (16,384)",
    );
    expect(() => checkKernels([{ ...kernel, workgroupStorage: 0, invocations: 512 }], limits())).toThrow(/runs 512 threads per workgroup/);
    expect(() => checkKernels([{ ...kernel, workgroupStorage: 0, bindings: ['uniform', ...Array<'read'>(9).fill('read')] }], limits())).toThrow(/binds 9 storage buffers/);
    expect(() => checkKernels([{ ...kernel, workgroupStorage: 0 }], limits())).not.toThrow();
  });
});
