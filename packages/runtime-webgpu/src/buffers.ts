// The buffer manager: every buffer of a plan made concrete (one per layer for `{i}` names), sized from
// the plan's expressions, allocated once (memory-sized ones again for a longer memory), freed together.
import { BufferUsage } from './gpu-flags.js';
import { compileExpr, type CompiledExpr, type Symbols } from './expr.js';
import type { BufferRole, PlanBuffer } from '@tdl/runtime/contract/webgpu';

/** When a buffer's size is known: `static` from the plan, `rows` at the row capacity, `memory` per memory. */
export type SizeClass = 'static' | 'rows' | 'memory';

export interface ConcreteBuffer {
  /** The name with `{i}` replaced by the layer (for weights: the parameter's name). */
  readonly name: string;
  readonly plan: PlanBuffer;
  readonly layer?: number;
  readonly sizeClass: SizeClass;
  readonly bytes: (symbols: Symbols) => number;
}

const USAGE: Record<BufferRole, number> = {
  weight: BufferUsage.STORAGE | BufferUsage.COPY_DST,
  constant: BufferUsage.STORAGE | BufferUsage.COPY_DST,
  // Inputs are also copied from: the tail takes the tokens' last rows when nothing mixes positions.
  tokens: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  memory: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  activation: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  cache: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  logits: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
};

export function sizeClassOf(b: PlanBuffer): SizeClass {
  if (/\bS\b/.test(b.elements)) return 'memory';
  if (/\b(R|tail)\b/.test(b.elements)) return 'rows';
  return 'static';
}

/** A buffer holds whole 4-byte words and is never empty (an empty binding is invalid). */
export function bytesFor(elements: number, dtype: PlanBuffer['dtype']): number {
  const raw = elements * (dtype === 'f16' || dtype === 'bf16' ? 2 : 4);
  return Math.max(4, Math.ceil(raw / 4) * 4);
}

/** The concrete buffers of a plan, in plan order. */
export function concreteBuffers(buffers: readonly PlanBuffer[]): ConcreteBuffer[] {
  return buffers.flatMap((plan) => {
    const elements: CompiledExpr = compileExpr(plan.elements);
    const bytes = (s: Symbols) => bytesFor(elements(s), plan.dtype);
    const sizeClass = sizeClassOf(plan);
    if (!plan.layers) return [{ name: plan.name, plan, sizeClass, bytes }];
    return plan.layers.map((layer) => ({ name: layerName(plan.name, layer), plan, layer, sizeClass, bytes }));
  });
}

export function layerName(name: string, layer: number | undefined): string {
  return layer === undefined ? name : name.replaceAll('{i}', String(layer));
}

export class BufferManager {
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly sizes = new Map<string, number>();

  constructor(private readonly device: GPUDevice) {}

  allocate(b: ConcreteBuffer, symbols: Symbols): GPUBuffer {
    this.buffers.get(b.name)?.destroy();
    const size = b.bytes(symbols);
    const buffer = this.device.createBuffer({ label: b.name, size, usage: USAGE[b.plan.role] });
    this.buffers.set(b.name, buffer);
    this.sizes.set(b.name, size);
    return buffer;
  }

  /** A buffer outside the plan (uniforms, the read-back buffer). */
  extra(name: string, size: number, usage: number): GPUBuffer {
    this.buffers.get(name)?.destroy();
    const buffer = this.device.createBuffer({ label: name, size, usage });
    this.buffers.set(name, buffer);
    this.sizes.set(name, size);
    return buffer;
  }

  get(name: string): GPUBuffer {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`internal error: no buffer '${name}' (the plan names a buffer it does not declare, or the memory is not set)`);
    return b;
  }

  has(name: string): boolean {
    return this.buffers.has(name);
  }

  size(name: string): number {
    return this.sizes.get(name) ?? 0;
  }

  /** Bytes held in all buffers. */
  get totalBytes(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
    this.sizes.clear();
  }
}
