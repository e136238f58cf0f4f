// What `tdl test` and `tdl equiv` give the properties from Node: worker threads, and a WebGPU device
// opened once (or the reason there is none).
import type { Host } from '@tdl/testing';
import type { WebGpuDevice } from '@tdl/runtime-webgpu';
import { sharedNodeWebGpu } from './gpu.js';
import type { CliIO } from './io.js';
import { nodeThreads } from './threads.js';

export function testHost(io: CliIO, webgpu: boolean): Host {
  let device: Promise<WebGpuDevice | string> | undefined;
  const open = () =>
    (device ??= sharedNodeWebGpu({ note: (text) => io.stderr.write(text) }).catch((e: Error) => `no WebGPU adapter here (${e.message.split('\n')[0]})`));
  return {
    spawn: nodeThreads(1).spawn,
    ...(webgpu ? { webgpu: open } : {}),
  };
}
