// ALiBi's slopes are declared twice, on either side of the dependency line: the compiler's (the schedule's
// attention steps carry them to the WebGPU and ONNX renderers) and runtime-cpu's (the generated CPU module
// computes them when it runs). Only the CLI's tests see both: they agree for every head count.
import { describe, expect, it } from 'vitest';
import { alibiSlopes as compilerSlopes } from '@tdl/compiler';
import { alibiSlopes as cpuSlopes } from '@tdl/runtime-cpu';

describe('ALiBi slopes', () => {
  it('are the same f32 values in the compiler and in runtime-cpu, for 1 to 128 heads', () => {
    for (let heads = 1; heads <= 128; heads++) expect(compilerSlopes(heads), `${heads} heads`).toEqual(Array.from(cpuSlopes(heads)));
  });
});
