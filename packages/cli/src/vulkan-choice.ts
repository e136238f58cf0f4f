// Which Vulkan driver a run on Linux uses, decided before Dawn loads so that Dawn has nothing to warn
// about: the one VK_ICD_FILENAMES names, the system's when a probe finds an adapter on them, else
// SwiftShader; or a one-line error saying what to install.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '@tdl/runtime';
import { probeAdapter } from './adapter-probe.js';
import { findLibVulkan, findVulkanDrivers, LIBVULKAN, libraryFolders, multiarchTriple, type VulkanDrivers } from './vulkan-drivers.js';

/** SwiftShader's Vulkan driver (WebGPU on the CPU), installed with Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** How to reach an adapter on Linux, from what the Vulkan loader would find. */
export type VulkanPlan =
  /** VK_DRIVER_FILES or VK_ICD_FILENAMES chose the driver: use it, whatever it gives. */
  | { readonly kind: 'as-set' }
  /** The system has drivers, which may offer no adapter: ask in a child process first. */
  | { readonly kind: 'probe' }
  /** No driver but SwiftShader: use it without asking. */
  | { readonly kind: 'swiftshader' }
  | { readonly kind: 'none'; readonly message: string };

export interface VulkanFacts {
  /** Where libvulkan.so.1 is, if anywhere. */
  readonly libVulkan: string | undefined;
  readonly drivers: VulkanDrivers;
  readonly swiftShader: boolean;
}

/** What to do about Vulkan; every `none` message starts `no WebGPU adapter`, which tests skip on. */
export function planVulkan({ libVulkan, drivers, swiftShader }: VulkanFacts): VulkanPlan {
  if (!libVulkan) {
    const packages = drivers.manifests.length === 0 && !swiftShader ? 'libvulkan1 chromium' : 'libvulkan1';
    return none(`the Vulkan loader (${LIBVULKAN}) is not installed; on Debian: apt-get install ${packages}`);
  }
  if (drivers.override) {
    if (drivers.manifests.length > 0) return { kind: 'as-set' };
    return none(`${drivers.override} names no Vulkan driver manifest that exists (${drivers.searched.join(':')})`);
  }
  if (drivers.manifests.length > 0) return { kind: 'probe' };
  if (swiftShader) return { kind: 'swiftshader' };
  return none(
    `no Vulkan driver is installed (none in ${drivers.searched.join(', ')}); install your GPU's Vulkan driver, or Debian's chromium to run WebGPU on the CPU with SwiftShader`,
  );
}

function none(why: string): VulkanPlan {
  return { kind: 'none', message: `no WebGPU adapter: ${why}` };
}

/** Points the Vulkan loader Dawn will load at a driver that offers an adapter, or says why there is none. */
export async function chooseVulkanDriver(): Promise<void> {
  const env = process.env;
  const swiftShader = existsSync(SWIFTSHADER_ICD);
  const drivers = findVulkanDrivers(env);
  const plan = planVulkan({ libVulkan: findLibVulkan(libraryFolders(env, multiarchTriple(process.arch))), drivers, swiftShader });
  switch (plan.kind) {
    case 'none':
      throw new UsageError(plan.message);
    case 'as-set':
      return;
    case 'probe': {
      const probe = await probeAdapter(env);
      if (probe.found) return;
      if (!swiftShader) {
        const names = drivers.manifests.map((m) => basename(m)).join(', ');
        const why = probe.why ? ` (${probe.why})` : '';
        throw new UsageError(`no WebGPU adapter: the Vulkan drivers here (${names}) offer none that Dawn can use${why}; install Debian's chromium to run WebGPU on the CPU with SwiftShader`);
      }
      break;
    }
    case 'swiftshader':
      break;
  }
  env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
}
