// Adapter and device setup from a GPU object (navigator.gpu in browsers, the `webgpu` package in Node):
// the limits the model needs raised to what the adapter offers, and loss watched.
import { UsageError } from '@tdl/runtime';
import { DeviceLostError } from './errors.js';

export interface OpenOptions {
  /** Keep WebGPU's default limits instead of raising them to the adapter's (to test limit errors). */
  readonly defaultLimits?: boolean;
  readonly powerPreference?: GPUPowerPreference;
}

/** Limits that bound the models a device can run; raised to the adapter's maximum when opening it. */
export const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** An opened device with the adapter it came from; `lost` is set once the device is gone. */
export class WebGpuDevice {
  lost?: DeviceLostError;

  constructor(
    /**
     * The GPU object the adapter came from, kept while the device lives: Dawn in Node (the `webgpu`
     * package, 0.6.2) crashes when that object is garbage-collected under a live device.
     */
    readonly gpu: GPU,
    readonly adapter: GPUAdapter,
    readonly device: GPUDevice,
    /** What the adapter says it is (vendor, architecture, description), for messages and benchmarks. */
    readonly description: string,
  ) {
    device.lost.then((info) => {
      this.lost = new DeviceLostError(info.reason === 'destroyed' ? 'destroyed' : 'unknown reason', info.message);
    });
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Throws if the device was lost. */
  check(): void {
    if (this.lost) throw this.lost;
  }

  destroy(): void {
    this.device.destroy();
  }
}

/** Opens the adapter and a device on it; a missing adapter is a UsageError saying so. */
export async function openWebGpu(gpu: GPU | undefined, options: OpenOptions = {}): Promise<WebGpuDevice> {
  if (!gpu) throw new UsageError('WebGPU is not available here (no navigator.gpu)');
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : {});
  if (!adapter) throw new UsageError('no WebGPU adapter found: this system offers no GPU that WebGPU can use');
  const requiredLimits: Record<string, number> = {};
  if (!options.defaultLimits) for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({
    requiredLimits,
    label: 'tdl',
  });
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  return new WebGpuDevice(gpu, adapter, device, description);
}
