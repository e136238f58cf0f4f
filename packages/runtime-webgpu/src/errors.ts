// Errors the WebGPU backend reports: what failed, in words a user can act on.
import { UsageError } from '@tdl/runtime';

/** The GPU went away (driver reset, device destroyed, out of memory); the executor cannot go on. */
export class DeviceLostError extends UsageError {
  constructor(reason: string, message: string) {
    super(`the WebGPU device was lost (${reason})${message ? `: ${message}` : ''}`);
    this.name = 'DeviceLostError';
  }
}

/** A model that does not fit this adapter: a buffer or a kernel over one of its limits. */
export class LimitError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** An error WebGPU reported while the backend worked: names the step or object involved. */
export class WebGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuError';
  }
}
