// Runs a generated module in-process: evaluates its CommonJS form with the kernels as its one import.
import type { GeneratedModule } from './module.js';

/**
 * Evaluates the JavaScript (CommonJS) of a generated module. Its only import, `@tdl/runtime-cpu`, is
 * served by `kernels` (this package's exports). The code comes from the tdl compiler, never from users.
 */
export function loadGeneratedModule(javascript: string, kernels: Record<string, unknown>): GeneratedModule {
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string) => {
    if (specifier === '@tdl/runtime-cpu') return kernels;
    throw new Error(`internal error: a generated module imports '${specifier}'`);
  };
  const run = new Function('require', 'module', 'exports', javascript) as (r: typeof require, m: typeof module, e: unknown) => void;
  run(require, module, module.exports);
  const mod = module.exports as unknown as GeneratedModule;
  if (typeof mod.createModel !== 'function' || !mod.MODEL) throw new Error('internal error: the generated module exports no model');
  return mod;
}
