// The CPU backend in a browser: the generated TypeScript module becomes CommonJS through sucrase
// (TypeScript's own compiler is megabytes; sucrase only strips types and rewrites imports).
import { generateCpuModule, type Graph } from '@tdl/compiler';
import * as cpu from '@tdl/runtime-cpu';
import { transform } from 'sucrase';

export function loadCpuModule(graph: Graph): cpu.GeneratedModule {
  const { code } = transform(generateCpuModule(graph).typescript, { transforms: ['typescript', 'imports'] });
  return cpu.loadGeneratedModule(code, cpu as unknown as Record<string, unknown>);
}
