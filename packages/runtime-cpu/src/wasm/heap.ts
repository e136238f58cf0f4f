// A first-fit allocator over a growable WebAssembly memory: blocks aligned to 64 bytes (a cache line).
import { UsageError } from '@tdl/runtime';

const ALIGN = 64;
const PAGE = 65536;

interface Block {
  ptr: number;
  size: number;
}

export class Heap {
  private top: number;
  private readonly free: Block[] = [];
  private readonly sizes = new Map<number, number>();

  constructor(
    private readonly memory: WebAssembly.Memory,
    start: number,
  ) {
    this.top = roundUp(start, ALIGN);
  }

  /** Bytes handed out and not freed, plus free holes below the top. */
  get used(): number {
    return this.top;
  }

  /** A block of at least `bytes` bytes; its address. Throws a UsageError when 4 GiB would not hold it. */
  alloc(bytes: number): number {
    const size = roundUp(Math.max(bytes, ALIGN), ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i]!;
      if (block.size < size) continue;
      const ptr = block.ptr;
      if (block.size === size) this.free.splice(i, 1);
      else {
        block.ptr += size;
        block.size -= size;
      }
      this.sizes.set(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    this.reserve(ptr + size);
    this.top = ptr + size;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** Returns a block to the heap (merged with free neighbours). */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`internal error: freeing ${ptr}, which is not an allocated block`);
    this.sizes.delete(ptr);
    let at = this.free.findIndex((b) => b.ptr > ptr);
    if (at < 0) at = this.free.length;
    this.free.splice(at, 0, { ptr, size });
    const next = this.free[at + 1];
    const block = this.free[at]!;
    if (next && block.ptr + block.size === next.ptr) {
      block.size += next.size;
      this.free.splice(at + 1, 1);
    }
    const prev = this.free[at - 1];
    if (prev && prev.ptr + prev.size === block.ptr) {
      prev.size += block.size;
      this.free.splice(at, 1);
    }
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }

  /** Grows the memory to hold `end` bytes, by at least an eighth each time. */
  private reserve(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 8));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE)); // the generous step may not fit under 4 GiB
      } catch {
        throw new UsageError(
          `the model's weights, caches and buffers need more than the 4 GiB the WebAssembly kernels address (${(end / 2 ** 30).toFixed(1)} GiB asked for); run with the JavaScript kernels (--kernels js)`,
        );
      }
    }
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
