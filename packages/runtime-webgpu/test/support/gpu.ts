// The WebGPU device for tests: Dawn through the `webgpu` package, on SwiftShader when the machine has
// it (CI: Debian's chromium; global-setup.ts points the Vulkan loader at it). Without an adapter the WebGPU tests skip with the reason, or fail when
// TDL_REQUIRE_WEBGPU=1 (as .ci/run sets it), so CI cannot pass without running them.
import { existsSync } from 'node:fs';
import { create } from 'webgpu';
import { openWebGpu, type OpenOptions, type WebGpuDevice } from '../../src/index.js';
import { SWIFTSHADER_ICD } from './global-setup.js';

/** GPU objects stay referenced for the life of the process (Dawn crashes when one is collected under a device). */
const gpus: GPU[] = [];
let shared: Promise<WebGpuDevice | string> | undefined;

/** Opens a device of its own (for tests that destroy it or need other options). Returns the reason when there is none. */
export async function openTestDevice(options: OpenOptions = {}): Promise<WebGpuDevice | string> {
  const gpu = create(['backend=vulkan']);
  gpus.push(gpu);
  try {
    return await openWebGpu(gpu, options);
  } catch (e) {
    const reason = `no WebGPU device: ${(e as Error).message}${existsSync(SWIFTSHADER_ICD) ? '' : ` (SwiftShader's ${SWIFTSHADER_ICD} is not installed: apt-get install chromium libvulkan1)`}`;
    if (process.env['TDL_REQUIRE_WEBGPU'] === '1') throw new Error(`${reason}; TDL_REQUIRE_WEBGPU=1 makes this a failure`);
    return reason;
  }
}

/** The device the tests of one worker share (kernels compile once per device). */
export function sharedDevice(): Promise<WebGpuDevice | string> {
  return (shared ??= openTestDevice());
}

/** The shared device, or skips the test with the reason it is missing. */
export async function deviceOrSkip(ctx: { skip: (note?: string) => never }): Promise<WebGpuDevice> {
  const device = await sharedDevice();
  if (typeof device === 'string') ctx.skip(device);
  return device;
}

/** A device of the test's own (to destroy, or with other options), or skips the test with the reason. */
export async function ownDeviceOrSkip(ctx: { skip: (note?: string) => never }, options: OpenOptions = {}): Promise<WebGpuDevice> {
  const device = await openTestDevice(options);
  if (typeof device === 'string') ctx.skip(device);
  return device;
}
