// Asks whether Dawn finds a WebGPU adapter, in a short child process whose stderr is captured.
//
// Where the system has Vulkan drivers, only a try tells whether one of them works with Dawn (Mesa's
// lavapipe in Debian 12 is too old for it, a GPU driver may have no device to drive), and a failed try
// prints Dawn's native warnings on stderr, which Node cannot redirect inside its own process. So the
// try runs in a child; the CLI then opens the device itself, on those drivers or on SwiftShader.
// It costs one Node start and one Vulkan instance, measured on this project's busy 2-core machines:
// 0.25-0.35 s for a driver whose library fails to load, 0.5-0.7 s for lavapipe, about 0.25 s for a
// driver that works (SwiftShader), against seconds for SwiftShader to compile a model's pipelines.
// Machines without drivers never pay it, and VK_ICD_FILENAMES (or VK_DRIVER_FILES) naming a driver
// skips it.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { UsageError } from '@tdl/runtime';

/**
 * The child's program: asks for an adapter on Vulkan and prints its info as one line of JSON (null
 * for none). Given to `node -e` with the `webgpu` package's absolute URL, so that it runs the same from
 * dist/ and from the sources under vitest.
 */
function childProgram(webgpu: string): string {
  return [
    `const { create } = await import(${JSON.stringify(webgpu)});`,
    "const adapter = await create(['backend=vulkan']).requestAdapter();",
    'const i = adapter?.info;',
    "process.stdout.write(JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description } : null) + '\\n');",
  ].join('\n');
}

/** What a probe saw: the adapter's info when there is one, else the first thing Dawn said, if anything. */
export type ProbeResult =
  | { readonly found: true; readonly info: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> }
  | { readonly found: false; readonly why?: string };

/** Asks for an adapter with `env` in a child Node process; gives up after `timeoutMs` (a hung driver). */
export async function probeAdapter(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ProbeResult> {
  let webgpu: string;
  try {
    webgpu = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch (e) {
    throw new UsageError(`the WebGPU backend needs the 'webgpu' package, which was not found: ${(e as Error).message.split('\n')[0]}`);
  }
  const args = ['--input-type=module', '-e', childProgram(webgpu)];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      let info: unknown = null;
      try {
        info = JSON.parse(line);
      } catch {
        // A crash or a timeout: no adapter, and the reason below.
      }
      if (info && typeof info === 'object') return resolve({ found: true, info: info as GPUAdapterInfo });
      const said = stderr.split('\n').find((l) => l.startsWith('Warning: '))?.slice('Warning: '.length).trim();
      const why = said ?? (error?.killed ? `no answer in ${timeoutMs / 1000} s` : error ? error.message.split('\n')[0] : undefined);
      resolve(why ? { found: false, why } : { found: false });
    });
  });
}
