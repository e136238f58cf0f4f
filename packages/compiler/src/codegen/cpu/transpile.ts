// TypeScript → CommonJS for running a generated CPU module in-process. Kept apart from the rest of the
// compiler because it loads TypeScript's own compiler (megabytes): browser bundles leave it out.
import ts from 'typescript';

/** TypeScript → CommonJS JavaScript, for the runtime-cpu loader. */
export function transpileCpuModule(typescript: string): string {
  const out = ts.transpileModule(typescript, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, sourceMap: false },
  });
  return out.outputText;
}
