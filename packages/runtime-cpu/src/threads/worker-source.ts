// The script each worker thread runs: it instantiates the kernel module on the shared memory, then waits
// for tasks in the control block and joins each one still open (see control.ts). Plain JavaScript,
// so any host can start it: Node's worker_threads (eval) or a browser's Worker (from a Blob URL).
import { CONTROL } from './control.js';

export const WORKER_SOURCE = `'use strict';
const port = typeof self === 'object' && self !== null && typeof self.postMessage === 'function' ? self : require('node:worker_threads').parentPort;
function start(event) {
  port.removeEventListener('message', start);
  const { module, memory, control, index, tasks, spin } = event.data;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = tasks.map((name) => exports[name]);
  const words = new Int32Array(memory.buffer, control, ${CONTROL.bytes / 4});
  const a = new Float64Array(memory.buffer, control + ${CONTROL.args * 4}, ${CONTROL.argCount});
  const busy = ${CONTROL.workers} + index * ${CONTROL.workerStride};
  let seen = 0;
  for (;;) {
    let seq = Atomics.load(words, ${CONTROL.seq});
    let spins = 0;
    let since = 0;
    while (seq === seen) {
      if (++spins === 1024) {
        spins = 0;
        const now = performance.now();
        if (since === 0) since = now;
        else if (now - since > spin) {
          Atomics.wait(words, ${CONTROL.seq}, seen);
          since = 0;
        }
      }
      seq = Atomics.load(words, ${CONTROL.seq});
    }
    seen = seq;
    if (Atomics.load(words, ${CONTROL.quit})) return;
    Atomics.store(words, busy, seq);
    if (Atomics.load(words, ${CONTROL.closed}) !== seq && Atomics.load(words, ${CONTROL.seq}) === seq) {
      kernels[words[${CONTROL.task}]](index + 1, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16]);
      Atomics.add(words, busy + 1, 1);
    }
    Atomics.store(words, busy, 0);
    Atomics.notify(words, busy);
  }
}
port.addEventListener('message', start);
`;
