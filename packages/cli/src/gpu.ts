// WebGPU in Node: Dawn through the `webgpu` package, on the system's Vulkan drivers or, where none
// offers an adapter, on the SwiftShader driver that Debian's Chromium ships. On Linux the driver is
// chosen before Dawn loads (vulkan-choice.ts), so Dawn never prints its warnings about missing
// drivers; a run prints one line naming the adapter instead.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@tdl/runtime';
import { openWebGpu, type OpenOptions, type WebGpuDevice } from '@tdl/runtime-webgpu';
import { chooseVulkanDriver } from './vulkan-choice.js';

/**
 * Every GPU object made in this process. Dawn (webgpu 0.6.2) crashes when one is garbage-collected
 * while a device from it lives, so they stay referenced until the process ends.
 */
const gpus: GPU[] = [];

async function createGpu(): Promise<GPU> {
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    throw new UsageError(`the WebGPU backend needs the 'webgpu' package, which did not load: ${(e as Error).message}`);
  }
  const gpu = webgpu.create(process.platform === 'linux' ? ['backend=vulkan'] : []);
  gpus.push(gpu);
  return gpu;
}

/** Vulkan drivers complain on stderr without a runtime folder; any private, writable one will do. */
function ensureRuntimeDir(): void {
  if (process.env['XDG_RUNTIME_DIR']) return;
  const dir = join(tmpdir(), `tdl-xdg-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env['XDG_RUNTIME_DIR'] = dir;
  } catch {
    // Only the warnings stay.
  }
}

/** What an adapter says it is; Dawn also sets `isFallbackAdapter` (a CPU adapter), not yet in @webgpu/types. */
export type AdapterInfo = Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> & { readonly isFallbackAdapter?: boolean };

/** The line naming the adapter a run uses, e.g. `tdl: WebGPU on SwiftShader (Google, CPU; slow)`. */
export function adapterLine(info: AdapterInfo): string {
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  if (/swiftshader/i.test(text)) return 'tdl: WebGPU on SwiftShader (Google, CPU; slow)';
  const cpu = info.isFallbackAdapter === true || /llvmpipe|lavapipe|softpipe/i.test(text);
  const name = info.device || info.description || 'an unnamed adapter';
  const about = [info.vendor, info.architecture, info.description === name ? '' : info.description].filter(Boolean).join(', ');
  const details = [about, cpu ? 'CPU; slow' : ''].filter(Boolean).join('; ');
  return `tdl: WebGPU on ${name}${details ? ` (${details})` : ''}`;
}

/** Opens a WebGPU device in Node and names its adapter on `note`, in one line. */
export async function openNodeWebGpu(options: OpenOptions & { note?: (text: string) => void } = {}): Promise<WebGpuDevice> {
  ensureRuntimeDir();
  if (process.platform === 'linux') await chooseVulkanDriver();
  const device = await openWebGpu(await createGpu(), options);
  options.note?.(`${adapterLine(device.adapter.info)}\n`);
  return device;
}

const devices = new Map<string, Promise<WebGpuDevice>>();

/**
 * One device per process (and per options), opened on first use and opened again if lost; each
 * call names its adapter on `note`, so every run in a process says where it runs.
 */
export async function sharedNodeWebGpu(options: OpenOptions & { note?: (text: string) => void } = {}): Promise<WebGpuDevice> {
  const { note, ...open } = options;
  const device = await sharedDevice(open);
  note?.(`${adapterLine(device.adapter.info)}\n`);
  return device;
}

async function sharedDevice(options: OpenOptions): Promise<WebGpuDevice> {
  const key = JSON.stringify(options);
  const known = devices.get(key);
  if (known) {
    const device = await known.catch(() => undefined);
    if (device && !device.lost) return device;
  }
  const opening = openNodeWebGpu(options);
  devices.set(key, opening);
  opening.catch(() => devices.delete(key));
  return opening;
}
