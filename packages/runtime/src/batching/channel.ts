// A queue of values one producer pushes and one consumer iterates asynchronously.

export class Channel<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  /** `onReturn`: called when the consumer stops iterating before the end (a `break`). */
  constructor(private readonly onReturn: () => void = () => {}) {}

  push(value: T): void {
    if (this.ended) return;
    this.buffered.push(value);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    let finished = false;
    try {
      for (;;) {
        while (this.buffered.length) yield this.buffered.shift()!;
        if (this.ended) {
          finished = true;
          return;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      if (!finished) this.onReturn();
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
