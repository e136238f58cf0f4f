// WebGPU in Node: Dawn through the `webgpu` package, falling back to the SwiftShader driver that
// Debian's Chromium ships when the system has no GPU Vulkan can use.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@tdl/runtime';
import { openWebGpu, type OpenOptions, type WebGpuDevice } from '@tdl/runtime-webgpu';

/** SwiftShader's Vulkan driver (WebGPU on the CPU), installed with Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Every GPU object made in this process. Dawn (webgpu 0.6.2) crashes when one is garbage-collected
 * while a device from it lives, so they stay referenced until the process ends.
 */
const gpus: GPU[] = [];

async function createGpu(): Promise<GPU> {
  // Vulkan drivers complain on stderr without a runtime folder; any private, writable one will do.
  if (!process.env['XDG_RUNTIME_DIR']) {
    const dir = join(tmpdir(), `tdl-xdg-${process.getuid?.() ?? 'user'}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      process.env['XDG_RUNTIME_DIR'] = dir;
    } catch {
      // Only the warnings stay.
    }
  }
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

/**
 * Opens a WebGPU device in Node. Without a GPU adapter, and with VK_ICD_FILENAMES unset, it tries
 * SwiftShader (WebGPU on the CPU: slow, but exact) and says so on `note`.
 */
export async function openNodeWebGpu(options: OpenOptions & { note?: (text: string) => void } = {}): Promise<WebGpuDevice> {
  try {
    return await openWebGpu(await createGpu(), options);
  } catch (e) {
    const noAdapter = e instanceof UsageError && /no WebGPU adapter/.test(e.message);
    if (!noAdapter || process.env['VK_ICD_FILENAMES'] || process.platform !== 'linux' || !existsSync(SWIFTSHADER_ICD)) {
      if (noAdapter && process.platform === 'linux' && !process.env['VK_ICD_FILENAMES']) {
        throw new UsageError(`${e.message}; to run WebGPU on the CPU, install Debian's chromium and libvulkan1 (SwiftShader)`);
      }
      throw e;
    }
    process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
    options.note?.('tdl: no GPU adapter found; running WebGPU on the CPU with SwiftShader (slow)\n');
    return openWebGpu(await createGpu(), options);
  }
}

const devices = new Map<string, Promise<WebGpuDevice>>();

/** One device per process (and per options), opened on first use and opened again if lost. */
export async function sharedNodeWebGpu(options: OpenOptions & { note?: (text: string) => void } = {}): Promise<WebGpuDevice> {
  const key = JSON.stringify({ ...options, note: undefined });
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
