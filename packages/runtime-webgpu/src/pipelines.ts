// The pipeline cache: one compute pipeline per distinct kernel source on a device, shared by every
// executor on it; compilation messages are kept, and a kernel that fails to compile names itself.
import { ShaderStage } from './gpu-flags.js';
import { WebGpuError } from './errors.js';
import type { BindingKind, PlanKernel } from '@tdl/runtime/contract/webgpu';

export interface CompilationMessage {
  readonly kernel: string;
  readonly type: GPUCompilationMessageType;
  readonly text: string;
}

export interface CompiledKernel {
  readonly name: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly messages: readonly CompilationMessage[];
}

const BUFFER_TYPES: Record<BindingKind, GPUBufferBindingType> = {
  uniform: 'uniform',
  read: 'read-only-storage',
  'read-write': 'storage',
};

const caches = new WeakMap<GPUDevice, PipelineCache>();

export class PipelineCache {
  private readonly pipelines = new Map<string, Promise<CompiledKernel>>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  private constructor(private readonly device: GPUDevice) {}

  /** The cache of a device (created on first use). */
  static of(device: GPUDevice): PipelineCache {
    let cache = caches.get(device);
    if (!cache) caches.set(device, (cache = new PipelineCache(device)));
    return cache;
  }

  /** Kernels compiled so far on this device. */
  get size(): number {
    return this.pipelines.size;
  }

  layout(bindings: readonly BindingKind[]): GPUBindGroupLayout {
    const key = bindings.join(',');
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        label: `bindings ${key}`,
        entries: bindings.map((kind, binding) => ({ binding, visibility: ShaderStage.COMPUTE, buffer: { type: BUFFER_TYPES[kind] } })),
      });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  get(kernel: PlanKernel, source: string): Promise<CompiledKernel> {
    const key = `${kernel.bindings.join(',')}\n${source}`;
    let compiled = this.pipelines.get(key);
    if (!compiled) {
      compiled = this.compile(kernel, source);
      this.pipelines.set(key, compiled);
      compiled.catch(() => this.pipelines.delete(key));
    }
    return compiled;
  }

  private async compile(kernel: PlanKernel, source: string): Promise<CompiledKernel> {
    // The scope keeps WebGPU from also reporting a bad module as an uncaptured error.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: kernel.name, code: source });
    const moduleError = await this.device.popErrorScope();
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => ({ kernel: kernel.name, type: m.type, text: `${m.lineNum}:${m.linePos} ${m.type}: ${m.message}` }));
    const errors = messages.filter((m) => m.type === 'error');
    if (errors.length || moduleError) {
      const lines = errors.length ? errors.map((e) => e.text) : [moduleError!.message];
      throw new WebGpuError(`kernel '${kernel.name}' does not compile (a tdl bug):\n  ${lines.join('\n  ')}`);
    }
    const layout = this.layout(kernel.bindings);
    try {
      const pipeline = await this.device.createComputePipelineAsync({
        label: kernel.name,
        layout: this.device.createPipelineLayout({ label: kernel.name, bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
      return { name: kernel.name, pipeline, layout, messages };
    } catch (e) {
      throw new WebGpuError(`kernel '${kernel.name}' has no pipeline: ${(e as Error).message}`);
    }
  }
}
