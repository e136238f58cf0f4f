// A team of worker threads that run kernels with the main thread on one shared memory: the main thread
// posts a task, everyone awake takes units of work from a shared counter, and the main thread waits for
// the workers that joined (the protocol is in control.ts).
import { TASKS, type Task } from '../wasm/kernels.js';
import { CONTROL } from './control.js';
import { WORKER_SOURCE } from './worker-source.js';

/** What a host's worker looks like to the team. */
export interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/**
 * Starts a worker running `source`, a classic script. In Node: `new Worker(source, { eval: true })`
 * (from node:worker_threads; `unref()` it so it never keeps the process alive). In a browser: a Worker
 * on a Blob URL of the source. The runtime itself never starts threads: hosts pass this in.
 */
export type SpawnWorker = (source: string) => WorkerHandle;

export interface ThreadOptions {
  /** Threads in all, the main thread included (1: no workers). */
  readonly threads: number;
  readonly spawn: SpawnWorker;
  /**
   * Milliseconds an idle worker keeps polling for the next task before it sleeps (default 0.05: enough
   * to stay awake between the tasks of a decode step; on a busy machine, where the main thread is often
   * descheduled, a longer poll only takes time from it).
   */
  readonly spinMs?: number;
}

/** A worker still busy this long after the main thread finished its own share is stuck. */
const STUCK_MS = 60_000;

export class ThreadTeam {
  private readonly words: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: WorkerHandle[] = [];
  private seq = 0;
  private closed = false;

  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly control: number,
    private readonly kernels: Record<Task, (...args: number[]) => void>,
    options: ThreadOptions,
  ) {
    this.words = new Int32Array(memory.buffer, control, CONTROL.bytes / 4);
    this.args = new Float64Array(memory.buffer, control + CONTROL.args * 4, CONTROL.argCount);
    const count = Math.min(Math.max(0, Math.floor(options.threads) - 1), 64);
    for (let index = 0; index < count; index++) {
      const worker = options.spawn(WORKER_SOURCE);
      worker.postMessage({ module, memory, control, index, tasks: TASKS, spin: options.spinMs ?? 0.05 });
      this.workers.push(worker);
    }
  }

  /** Threads in all, the main thread included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** How many tasks each worker has joined so far. */
  get joined(): number[] {
    return this.workers.map((_, i) => Atomics.load(this.words, CONTROL.workers + i * CONTROL.workerStride + 1));
  }

  /** The address of the work counter the kernels share. */
  get counter(): number {
    return this.control + CONTROL.counter * 4;
  }

  /**
   * Runs `task` on every thread with these arguments (a thread's index is passed first: 0 here) and
   * returns when all are done. Fixed arity, so a call allocates nothing.
   */
  run(task: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7: number, a8: number, a9: number,
    a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0, a16 = 0): void {
    if (this.closed) throw new Error('internal error: a kernel ran on a disposed thread team');
    const w = this.words;
    Atomics.store(w, CONTROL.counter, 0);
    if (!this.workers.length) {
      this.kernels[task](0, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);
      return;
    }
    const a = this.args;
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3; a[4] = a4; a[5] = a5; a[6] = a6; a[7] = a7; a[8] = a8; // prettier-ignore
    a[9] = a9; a[10] = a10; a[11] = a11; a[12] = a12; a[13] = a13; a[14] = a14; a[15] = a15; a[16] = a16; // prettier-ignore
    w[CONTROL.task] = TASKS.indexOf(task);
    const seq = (this.seq = (this.seq + 1) | 0);
    Atomics.store(w, CONTROL.seq, seq);
    Atomics.notify(w, CONTROL.seq);
    this.kernels[task](0, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);
    Atomics.store(w, CONTROL.closed, seq);
    for (let i = 0; i < this.workers.length; i++) this.await(CONTROL.workers + i * CONTROL.workerStride, seq, i);
  }

  /** Runs `task` on the main thread alone (for work too small to share): the same kernel, the same bits. */
  solo(task: Task, a0: number, a1: number, a2: number, a3: number): void {
    Atomics.store(this.words, CONTROL.counter, 0);
    this.kernels[task](0, a0, a1, a2, a3);
  }

  /** Stops the workers. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.workers.length) return;
    Atomics.store(this.words, CONTROL.quit, 1);
    Atomics.store(this.words, CONTROL.seq, (this.seq + 1) | 0);
    Atomics.notify(this.words, CONTROL.seq);
    for (const worker of this.workers) worker.terminate();
  }

  /** Waits while a worker's busy word `at` holds `seq`: polls briefly (it is finishing a unit), then sleeps. */
  private await(at: number, seq: number, worker: number): void {
    const w = this.words;
    for (let spins = 0; spins < 20_000; spins++) if (Atomics.load(w, at) !== seq) return;
    const start = performance.now();
    while (Atomics.wait(w, at, seq, 50) !== 'not-equal') {
      if (performance.now() - start > STUCK_MS) throw new Error(`internal error: worker thread ${worker + 1} stopped responding`);
    }
  }
}
