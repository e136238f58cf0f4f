// CPU code generation: one readable TypeScript module per model, and its JavaScript for in-process use.
import ts from 'typescript';
import type { Graph } from '../../ir/nodes.js';
import { templatesFor } from '../render.js';
import { buildCpuView } from './view.js';

const template = templatesFor('cpu');

export interface CpuModule {
  /** The module's TypeScript source. */
  readonly typescript: string;
}

export function generateCpuModule(graph: Graph, sourceName = graph.file): CpuModule {
  const view = buildCpuView(graph, sourceName);
  return { typescript: template('module.ts')(view) };
}

/** TypeScript → CommonJS JavaScript, for the runtime-cpu loader. */
export function transpileCpuModule(typescript: string): string {
  const out = ts.transpileModule(typescript, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, sourceMap: false },
  });
  return out.outputText;
}
