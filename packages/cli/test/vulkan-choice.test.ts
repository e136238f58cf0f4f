// The plan for a run's Vulkan driver, from what the loader would find: SwiftShader without drivers, a
// probe with them, a chosen driver as it is, and one line saying what to install when nothing can run.
import { describe, expect, it } from 'vitest';
import { planVulkan, SWIFTSHADER_ICD } from '../src/vulkan-choice.js';
import type { VulkanDrivers } from '../src/vulkan-drivers.js';

const SYSTEM: VulkanDrivers = { manifests: ['/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'], searched: ['/usr/share/vulkan/icd.d'] };
const NONE: VulkanDrivers = { manifests: [], searched: ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d'] };
const LIB = '/lib/x86_64-linux-gnu/libvulkan.so.1';

describe('planVulkan', () => {
  it('goes straight to SwiftShader without drivers, and probes the system drivers first', () => {
    expect(planVulkan({ libVulkan: LIB, drivers: NONE, swiftShader: true })).toEqual({ kind: 'swiftshader' });
    expect(planVulkan({ libVulkan: LIB, drivers: SYSTEM, swiftShader: true })).toEqual({ kind: 'probe' });
    expect(planVulkan({ libVulkan: LIB, drivers: SYSTEM, swiftShader: false })).toEqual({ kind: 'probe' });
  });

  it('uses a driver chosen with VK_ICD_FILENAMES as it is, and says so when it names nothing', () => {
    const chosen: VulkanDrivers = { override: 'VK_ICD_FILENAMES', manifests: [SWIFTSHADER_ICD], searched: [SWIFTSHADER_ICD] };
    expect(planVulkan({ libVulkan: LIB, drivers: chosen, swiftShader: false })).toEqual({ kind: 'as-set' });
    expect(planVulkan({ libVulkan: LIB, drivers: { ...chosen, manifests: [], searched: ['/x.json'] }, swiftShader: true })).toEqual({
      kind: 'none',
      message: 'no WebGPU adapter: VK_ICD_FILENAMES names no Vulkan driver manifest that exists (/x.json)',
    });
  });

  it('says what to install without libvulkan or any driver', () => {
    expect(planVulkan({ libVulkan: undefined, drivers: NONE, swiftShader: true })).toEqual({
      kind: 'none',
      message: 'no WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed; on Debian: apt-get install libvulkan1',
    });
    expect(planVulkan({ libVulkan: undefined, drivers: NONE, swiftShader: false })).toMatchObject({ message: expect.stringMatching(/apt-get install libvulkan1 chromium$/) });
    expect(planVulkan({ libVulkan: LIB, drivers: NONE, swiftShader: false })).toEqual({
      kind: 'none',
      message:
        "no WebGPU adapter: no Vulkan driver is installed (none in /etc/vulkan/icd.d, /usr/share/vulkan/icd.d); install your GPU's Vulkan driver, or Debian's chromium to run WebGPU on the CPU with SwiftShader",
    });
  });
});
