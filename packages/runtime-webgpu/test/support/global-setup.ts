// Runs once in vitest's main process, before any worker: points the Vulkan loader at SwiftShader
// (Chromium's CPU driver) when no driver was chosen, so WebGPU tests run on machines without a GPU.
// It must happen here: a worker thread's process.env is a copy the native loader never reads.
// To test on a GPU instead, set VK_ICD_FILENAMES to its driver's manifest.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export default function setup(): void {
  if (!process.env['XDG_RUNTIME_DIR']) {
    const dir = join(tmpdir(), 'tdl-xdg');
    mkdirSync(dir, { recursive: true });
    process.env['XDG_RUNTIME_DIR'] = dir;
  }
  if (!process.env['VK_ICD_FILENAMES'] && existsSync(SWIFTSHADER_ICD)) process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
}
