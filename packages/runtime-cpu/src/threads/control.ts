// Layout of the control block a thread team shares in the kernel memory, in 32-bit words.
//
// The protocol, for task s: the main thread writes the arguments, zeroes the counter and stores s in
// `seq`; it runs its own share (units from the counter until none are left), stores s in `closed`, then
// waits for every worker whose `busy` word holds s. A worker that sees s stores s in its `busy` word,
// and joins only if the task is still open (`closed` ≠ s and `seq` = s); then it clears `busy`. The
// atomics are sequentially consistent, so a worker either is seen busy or sees the task closed: the
// main thread never waits for a worker that was asleep or descheduled while the work got done.
export const CONTROL = {
  /** Task number: bumped by the main thread for each task; workers wait on it. */
  seq: 0,
  /** Index (into TASKS) of the kernel to run. */
  task: 1,
  /** Set when the team is shut down. */
  quit: 2,
  /** The number of the last task whose units are all taken. */
  closed: 3,
  /** The work counter the kernels take units from: word 16, its own cache line. */
  counter: 16,
  /** The arguments, as float64s (exact for every i32 and f32), from word 32. */
  args: 32,
  argCount: 17,
  /** Each worker's busy word (the task it is in, or 0) and then its count of tasks joined, one cache line apart, from word 80. */
  workers: 80,
  workerStride: 16,
  /** Bytes of the block for up to 64 workers. */
  bytes: (80 + 64 * 16) * 4,
} as const;
