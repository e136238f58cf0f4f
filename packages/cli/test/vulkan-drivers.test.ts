// Finding what the Vulkan loader will find, in fake folders: its manifest folders in the documented
// order, the variables that replace or extend them, and libvulkan.so.1 in folders or the linker's cache.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { driverFolders, findLibVulkan, findVulkanDrivers, libraryFolders } from '../src/vulkan-drivers.js';

const temp = mkdtempSync(join(tmpdir(), 'tdl-vulkan-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Writes `text` at `path` under the temporary folder, making its folders; returns the full path. */
function file(path: string, text = '{}'): string {
  const full = join(temp, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe('driverFolders', () => {
  it('lists the folders of the loader documentation, in its order, with the fallbacks', () => {
    expect(driverFolders({ HOME: '/home/me' })).toEqual([
      '/home/me/.config/vulkan/icd.d',
      '/etc/xdg/vulkan/icd.d',
      '/usr/local/etc/vulkan/icd.d',
      '/etc/vulkan/icd.d',
      '/home/me/.local/share/vulkan/icd.d',
      '/usr/local/share/vulkan/icd.d',
      '/usr/share/vulkan/icd.d',
    ]);
  });

  it('takes the XDG variables instead of the fallbacks, reads empty as unset, and needs no HOME', () => {
    const env = { XDG_CONFIG_HOME: '/c', XDG_CONFIG_DIRS: '/x:/y', XDG_DATA_HOME: '', XDG_DATA_DIRS: '/d::/e' };
    expect(driverFolders(env, ['/etc'])).toEqual(['/c/vulkan/icd.d', '/x/vulkan/icd.d', '/y/vulkan/icd.d', '/etc/vulkan/icd.d', '/d/vulkan/icd.d', '/e/vulkan/icd.d']);
    expect(driverFolders({ XDG_CONFIG_DIRS: '', XDG_DATA_DIRS: '' }, ['/etc'])).toEqual([
      '/etc/xdg/vulkan/icd.d',
      '/etc/vulkan/icd.d',
      '/usr/local/share/vulkan/icd.d',
      '/usr/share/vulkan/icd.d',
    ]);
  });
});

describe('findVulkanDrivers', () => {
  const etc = join(temp, 'etc');
  const lvp = file('share/vulkan/icd.d/lvp_icd.x86_64.json');
  const intel = file('share/vulkan/icd.d/intel_icd.x86_64.json');
  file('share/vulkan/icd.d/README');
  const nvidia = file('etc/vulkan/icd.d/nvidia_icd.json');
  const env = { XDG_CONFIG_HOME: join(temp, 'none'), XDG_DATA_HOME: join(temp, 'none'), XDG_CONFIG_DIRS: join(temp, 'none'), XDG_DATA_DIRS: join(temp, 'share') };

  it('finds the manifests (*.json) of every folder, in the loader order', () => {
    const found = findVulkanDrivers(env, driverFolders(env, [etc]));
    expect(found.override).toBeUndefined();
    expect(found.manifests).toEqual([nvidia, intel, lvp]);
  });

  it('finds none in folders without manifests, and says where it looked', () => {
    const empty = { ...env, XDG_DATA_DIRS: join(temp, 'none') };
    const found = findVulkanDrivers(empty, driverFolders(empty, [join(temp, 'no-etc')]));
    expect(found.manifests).toEqual([]);
    expect(found.searched).toContain(join(temp, 'no-etc', 'vulkan', 'icd.d'));
  });

  it('puts VK_ADD_DRIVER_FILES first (files or folders) without replacing the search', () => {
    const swiftshader = file('chromium/vk_swiftshader_icd.json');
    const found = findVulkanDrivers({ ...env, VK_ADD_DRIVER_FILES: `${swiftshader}:${join(temp, 'missing.json')}` }, driverFolders(env, [etc]));
    expect(found.manifests).toEqual([swiftshader, nvidia, intel, lvp]);
  });

  it('lets VK_ICD_FILENAMES replace the search, and VK_DRIVER_FILES win over it', () => {
    const swiftshader = file('chromium/vk_swiftshader_icd.json');
    const chosen = findVulkanDrivers({ ...env, VK_ICD_FILENAMES: `${swiftshader}:${join(temp, 'etc/vulkan/icd.d')}`, VK_ADD_DRIVER_FILES: lvp }, driverFolders(env, [etc]));
    expect(chosen).toEqual({ override: 'VK_ICD_FILENAMES', manifests: [swiftshader, nvidia], searched: [swiftshader, join(temp, 'etc/vulkan/icd.d')] });
    const both = findVulkanDrivers({ VK_DRIVER_FILES: join(temp, 'gone.json'), VK_ICD_FILENAMES: swiftshader });
    expect(both).toEqual({ override: 'VK_DRIVER_FILES', manifests: [], searched: [join(temp, 'gone.json')] });
    expect(findVulkanDrivers({ ...env, VK_ICD_FILENAMES: '' }, driverFolders(env, [etc])).override).toBeUndefined();
  });
});

describe('findLibVulkan', () => {
  const lib = file('lib/x86_64-linux-gnu/libvulkan.so.1', '');

  it('finds libvulkan.so.1 in a library folder', () => {
    expect(findLibVulkan([join(temp, 'nothing'), join(temp, 'lib/x86_64-linux-gnu')], join(temp, 'no-cache'))).toBe(lib);
  });

  it("finds it in the linker's cache, only where the file exists", () => {
    const cache = file('ld.so.cache', `glibc-ld.so.cache1.1\0\x03\x00\x01libc.so.6\0/lib/libc.so.6\0libvulkan.so.1\0/gone/libvulkan.so.1\0libvulkan.so.1\0${lib}\0`);
    expect(findLibVulkan([], cache)).toBe(lib);
    const stale = file('stale.cache', 'libvulkan.so.1\0/gone/libvulkan.so.1\0libvulkan.so.10\0');
    expect(findLibVulkan([], stale)).toBeUndefined();
  });

  it('searches LD_LIBRARY_PATH before the system folders', () => {
    expect(libraryFolders({ LD_LIBRARY_PATH: '/opt/a::/opt/b' }, 'x86_64-linux-gnu')).toEqual([
      '/opt/a',
      '/opt/b',
      '/lib/x86_64-linux-gnu',
      '/usr/lib/x86_64-linux-gnu',
      '/lib64',
      '/usr/lib64',
      '/lib',
      '/usr/lib',
    ]);
    expect(libraryFolders({}, undefined)).toEqual(['/lib64', '/usr/lib64', '/lib', '/usr/lib']);
  });
});
