// Worker threads for the CPU kernels, started the Node way; runtime-cpu takes them through a spawn function.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadOptions } from '@tdl/runtime-cpu';

/** The cores this process may use. */
export const CORES = availableParallelism();

/** `threads` threads in all (the main one included); workers never keep the process alive. */
export function nodeThreads(threads: number): ThreadOptions {
  return {
    threads,
    spawn: (source) => {
      // No inherited flags: a parent run with --input-type=module would make the script an ES module.
      const worker = new Worker(source, { eval: true, execArgv: [] });
      worker.unref();
      return worker;
    },
  };
}
