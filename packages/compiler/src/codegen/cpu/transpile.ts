// TypeScript → CommonJS for running a generated CPU module in-process. Kept apart from the rest of the
// compiler because it loads TypeScript's own compiler (megabytes): browser bundles leave it out, and
// Node loads it on the first call only, so commands that never run a model start twice as fast.
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

/** TypeScript → CommonJS JavaScript, for the runtime-cpu loader. */
export function transpileCpuModule(source: string): string {
  const ts = (loaded ??= createRequire(import.meta.url)('typescript') as typeof TS);
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, sourceMap: false },
  });
  return out.outputText;
}
