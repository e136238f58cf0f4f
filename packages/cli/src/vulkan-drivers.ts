// What the Vulkan loader will find on this Linux system, found without loading it: its driver
// manifests (ICDs) and the loader library itself. Dawn prints native warnings on stderr when either
// is missing, so the CLI looks first and decides what to do before it creates a GPU object.
//
// The search follows Khronos' loader documentation (Vulkan-Loader, docs/LoaderDriverInterface.md,
// "Driver Discovery" and "Driver Discovery on Linux"): VK_DRIVER_FILES, or the older VK_ICD_FILENAMES,
// replaces the search (files or folders, colon-separated; VK_DRIVER_FILES wins when both are set);
// otherwise VK_ADD_DRIVER_FILES comes first, then `vulkan/icd.d` under $XDG_CONFIG_HOME (~/.config),
// $XDG_CONFIG_DIRS (/etc/xdg), SYSCONFDIR and EXTRASYSCONFDIR (compile-time, /etc for distributions,
// /usr/local/etc for a loader built with CMake's default prefix), $XDG_DATA_HOME (~/.local/share) and
// $XDG_DATA_DIRS (/usr/local/share:/usr/share). A folder too many only costs a probe; one missing
// would hide a driver, so both SYSCONFDIR defaults are searched.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** SYSCONFDIR and EXTRASYSCONFDIR: where the loader's build put its system configuration. */
export const SYSCONF_DIRS: readonly string[] = ['/usr/local/etc', '/etc'];

/** The file Dawn opens (dlopen) to reach the Vulkan loader. */
export const LIBVULKAN = 'libvulkan.so.1';

/** The dynamic linker's cache of library paths (what `ldconfig -p` prints). */
export const LD_CACHE = '/etc/ld.so.cache';

/** Where the loader looks for driver manifests, in its order, when no variable replaces the search. */
export function driverFolders(env: Env, sysconfDirs: readonly string[] = SYSCONF_DIRS): string[] {
  const home = value(env['HOME']);
  const roots = [
    value(env['XDG_CONFIG_HOME']) ?? (home && join(home, '.config')),
    ...(paths(env['XDG_CONFIG_DIRS']) ?? ['/etc/xdg']),
    ...sysconfDirs,
    value(env['XDG_DATA_HOME']) ?? (home && join(home, '.local', 'share')),
    ...(paths(env['XDG_DATA_DIRS']) ?? ['/usr/local/share', '/usr/share']),
  ];
  const folders = roots.filter((r): r is string => !!r).map((r) => join(r, 'vulkan', 'icd.d'));
  return [...new Set(folders)];
}

export interface VulkanDrivers {
  /** The variable that replaced the loader's search, when one is set. */
  readonly override?: 'VK_DRIVER_FILES' | 'VK_ICD_FILENAMES';
  /** Driver manifests that exist, in the loader's order. */
  readonly manifests: readonly string[];
  /** What was looked at: the override's entries, or VK_ADD_DRIVER_FILES' and the folders. */
  readonly searched: readonly string[];
}

/** The driver manifests the loader would read with `env`, looking in `folders` unless a variable replaces them. */
export function findVulkanDrivers(env: Env, folders: readonly string[] = driverFolders(env)): VulkanDrivers {
  const override = value(env['VK_DRIVER_FILES']) ? 'VK_DRIVER_FILES' : value(env['VK_ICD_FILENAMES']) ? 'VK_ICD_FILENAMES' : undefined;
  if (override) {
    const entries = paths(env[override]) ?? [];
    return { override, manifests: entries.flatMap(manifestsAt), searched: entries };
  }
  const searched = [...(paths(env['VK_ADD_DRIVER_FILES']) ?? []), ...folders];
  return { manifests: searched.flatMap(manifestsAt), searched };
}

/**
 * Folders the dynamic linker searches for a library opened by name, besides its cache:
 * LD_LIBRARY_PATH, then the system's defaults (multiarch first, `triple` such as x86_64-linux-gnu).
 */
export function libraryFolders(env: Env, triple: string | undefined): string[] {
  const multiarch = triple ? [`/lib/${triple}`, `/usr/lib/${triple}`] : [];
  return [...(paths(env['LD_LIBRARY_PATH']) ?? []), ...multiarch, '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
}

/** Debian's multiarch folder name for a Node `process.arch`, where there is one. */
export function multiarchTriple(arch: string): string | undefined {
  return ({ x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ia32: 'i386-linux-gnu', arm: 'arm-linux-gnueabihf' } as Record<string, string>)[arch];
}

/** Where `libvulkan.so.1` is: in `folders`, else a path the linker's cache lists that exists; undefined when neither. */
export function findLibVulkan(folders: readonly string[], ldCache: string = LD_CACHE): string | undefined {
  for (const folder of folders) {
    const path = join(folder, LIBVULKAN);
    if (existsSync(path)) return path;
  }
  return cachedPaths(ldCache, LIBVULKAN).find((p) => existsSync(p));
}

/**
 * Absolute paths ending in `/name` in the linker's cache. Its string table holds each library's
 * name and path as NUL-ended strings, so a scan for `/name\0` finds them without parsing the entries
 * (36 KB, well under a millisecond here).
 */
function cachedPaths(cache: string, name: string): string[] {
  let text: string;
  try {
    text = readFileSync(cache, 'latin1');
  } catch {
    return [];
  }
  const found: string[] = [];
  const needle = `/${name}\0`;
  for (let end = text.indexOf(needle); end >= 0; end = text.indexOf(needle, end + 1)) {
    const start = text.indexOf('/', text.lastIndexOf('\0', end) + 1);
    found.push(text.slice(start, end + needle.length - 1));
  }
  return found;
}

/** A manifest file itself, or the manifests (`*.json`) in a folder, sorted; nothing for a path that is neither. */
function manifestsAt(path: string): string[] {
  try {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(path, name));
  } catch {
    return [];
  }
}

/** A variable's value; unset and empty read the same, as the loader reads them. */
function value(text: string | undefined): string | undefined {
  return text ? text : undefined;
}

/** A colon-separated list without empty entries; undefined when the variable is unset or empty. */
function paths(text: string | undefined): string[] | undefined {
  const list = text?.split(':').filter((p) => p !== '');
  return list && list.length > 0 ? list : undefined;
}
