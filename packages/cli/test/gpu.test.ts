// Opening WebGPU in Node without Dawn's noise: the one line naming the adapter, and the built CLI run
// as a child process (Dawn writes to the real stderr, which only a child shows) with no driver chosen,
// with no system driver, and with a driver that offers no adapter.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterLine } from '../src/gpu.js';
import { SWIFTSHADER_ICD } from '../src/vulkan-choice.js';
import { findVulkanDrivers } from '../src/vulkan-drivers.js';

// The executable users run (made by `pnpm build`).
const MAIN = new URL('../dist/tdl.mjs', import.meta.url).pathname;
const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'tdl-gpu-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('adapterLine', () => {
  it('names SwiftShader as WebGPU on the CPU, and a GPU by what it says', () => {
    const swiftshader = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };
    expect(adapterLine(swiftshader)).toBe('tdl: WebGPU on SwiftShader (Google, CPU; slow)');
    expect(adapterLine({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 570.86' })).toBe('tdl: WebGPU on NVIDIA H200 (nvidia, hopper, NVIDIA: 570.86)');
    expect(adapterLine({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' })).toBe('tdl: WebGPU on llvmpipe (LLVM 15.0.6, 256 bits) (mesa; CPU; slow)');
    expect(adapterLine({ vendor: '', architecture: '', device: '', description: '' })).toBe('tdl: WebGPU on an unnamed adapter');
  });
});

/** The environment of a child with no Vulkan driver chosen, and `extra` on top. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // vitest's global setup chose SwiftShader for the in-process tests; this child must choose itself.
  for (const name of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES']) delete env[name];
  return env;
}

/** Folders that hide the system's user and XDG driver folders (the loader's /etc ones stay). */
function noSystemDrivers(dataDirs?: string): Record<string, string> {
  const empty = join(temp, 'empty');
  mkdirSync(empty, { recursive: true });
  return { XDG_CONFIG_HOME: empty, XDG_DATA_HOME: empty, XDG_CONFIG_DIRS: empty, XDG_DATA_DIRS: dataDirs ?? empty };
}

describe('tdl --backend webgpu, run as a child process', () => {
  const reason =
    !existsSync(SWIFTSHADER_ICD) && process.env['TDL_REQUIRE_WEBGPU'] !== '1'
      ? `SwiftShader (${SWIFTSHADER_ICD}) is not installed, and TDL_REQUIRE_WEBGPU is not 1: apt-get install chromium libvulkan1`
      : undefined;

  /** Runs `tdl run` on the tiny model with `env`; checks stderr has no Dawn warning and one adapter line, which it returns. */
  function runQuietly(env: NodeJS.ProcessEnv): string {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: this test runs the built CLI, so run 'npx -y pnpm@12.4.2 build' first`);
    const r = spawnSync(process.execPath, [MAIN, 'run', TINY, '--ids', '1,2,3', '--max-tokens', '2', '--json', '--backend', 'webgpu'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).generatedIds).toHaveLength(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => /Warning:|vkCreateInstance|VK_ERROR/.test(l)), r.stderr).toEqual([]);
    const adapters = lines.filter((l) => l.startsWith('tdl: WebGPU on '));
    expect(adapters, r.stderr).toHaveLength(1);
    return adapters[0]!;
  }

  it('prints one adapter line and nothing of Dawn with VK_ICD_FILENAMES unset', (ctx) => {
    if (reason) ctx.skip(reason);
    const env = childEnv();
    const line = runQuietly(env);
    if (findVulkanDrivers(env).manifests.length === 0) expect(line).toBe('tdl: WebGPU on SwiftShader (Google, CPU; slow)');
  }, 120_000);

  it('goes straight to SwiftShader where no system driver exists', (ctx) => {
    if (reason) ctx.skip(reason);
    const env = childEnv(noSystemDrivers());
    const line = runQuietly(env);
    // Only drivers in /etc/vulkan/icd.d, which no variable hides, could make this machine differ.
    if (findVulkanDrivers(env).manifests.length === 0) expect(line).toBe('tdl: WebGPU on SwiftShader (Google, CPU; slow)');
  }, 120_000);

  it('falls back to SwiftShader, quietly, when the system driver offers no adapter', (ctx) => {
    if (reason) ctx.skip(reason);
    const broken = join(temp, 'broken');
    mkdirSync(join(broken, 'vulkan', 'icd.d'), { recursive: true });
    const manifest = { file_format_version: '1.0.0', ICD: { library_path: join(temp, 'no-such-driver.so'), api_version: '1.3.0' } };
    writeFileSync(join(broken, 'vulkan', 'icd.d', 'broken_icd.json'), JSON.stringify(manifest));
    const env = childEnv(noSystemDrivers(broken));
    const line = runQuietly(env);
    if (findVulkanDrivers(env).manifests.length === 1) expect(line).toBe('tdl: WebGPU on SwiftShader (Google, CPU; slow)');
  }, 120_000);
});
